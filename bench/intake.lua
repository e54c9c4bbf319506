-- wrk script for bench/intake.py: POST /api/v1/appeals with varied Russian appeals.
--
--   wrk -t2 -c16 -d25s --timeout 10s -s bench/intake.lua http://127.0.0.1:PORT \
--       -- TOKEN RUN_ID MEASURE_SECONDS
--
-- Every request carries a unique Idempotency-Key "<RUN_ID>-<thread>-<counter>", so every 2xx must be a new appeal.
-- Load is closed-loop (each connection sends its next appeal when the previous answer arrives). After
-- MEASURE_SECONDS a connection sends nothing more (delay() parks it) and waits for its answer: wrk's -d must be
-- a few seconds longer, so that every appeal sent is answered and "stored == 2xx" can be exact (plain wrk cuts off
-- the requests in flight at the deadline, which the server still stores). done() prints "INTAKE <name> <value>" lines.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } intake_timespec;
  int clock_gettime(int clk_id, intake_timespec *tp);
]]
local ts = ffi.new("intake_timespec")
local function now()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local texts = {
  "Во дворе дома третий день не вывозят мусор, контейнерная площадка переполнена, пакеты лежат на земле, появились крысы.",
  "В подъезде не горит свет на всех этажах с первого по пятый, вечером приходится подниматься с фонариком.",
  "Не работает лифт во втором подъезде, в доме живут пожилые люди и мамы с колясками, заявка в управляющую компанию не исполнена.",
  "Тротуар вдоль дома не очищен от снега и наледи, пешеходы идут по проезжей части, прошу организовать уборку и посыпку.",
  "На детской площадке сломаны качели и торчат острые металлические края, дети могут пораниться.",
  "Яма на проезжей части у пешеходного перехода глубиной около пятнадцати сантиметров, машины объезжают её по встречной полосе.",
  "Открыт канализационный люк на тротуаре напротив школы, крышка отсутствует уже неделю.",
  "На фасаде дома нанесены надписи краской, в том числе нецензурные, прошу закрасить.",
  "В квартире с первого числа нет горячей воды, объявлений об отключении не было, диспетчер не отвечает.",
  "Из подвала дома сильно пахнет канализацией, по всей видимости прорвало трубу, запах стоит во всём подъезде.",
  "Уборка лестниц в подъезде не проводится больше месяца, график уборки на стенде не соблюдается.",
  "Неисправен домофон, дверь в подъезд не закрывается, в подъезде ночуют посторонние.",
  "Протекает кровля над квартирой на последнем этаже, после дождя вода течёт по стене, на потолке плесень.",
  "Не работает уличное освещение вдоль улицы от остановки до дома, вечером идти опасно.",
  "Опора освещения наклонилась и может упасть на проезжую часть, рядом ходят дети.",
  "На газоне у дома брошены старые диван и шкаф, крупногабаритный мусор лежит вторую неделю.",
  "Во дворе после дождя огромная лужа на асфальте, вода не уходит, пройти к подъезду невозможно.",
  "Разбито стекло в окне на лестничной площадке четвёртого этажа, в подъезде холодно.",
  "Сосульки свисают с крыши над входом в магазин и над тротуаром, опасно для прохожих.",
  "Урны на остановке общественного транспорта переполнены, мусор разносит ветер по всей улице.",
  "Светофор на перекрёстке не переключается, горит только жёлтый сигнал, водители не пропускают пешеходов.",
  "Поврежден дорожный знак пешеходный переход, он лежит на тротуаре после ДТП.",
  "Во дворе в кустах стоит брошенный автомобиль без колёс и номеров уже полгода.",
  "На лестничной площадке соседи хранят велосипеды и старую мебель, проход к лестнице загорожен.",
  "В детском саду в группе холодно, батареи чуть тёплые, дети сидят в кофтах.",
  "Прошу установить скамейки и урны в сквере у дома, сейчас пожилым людям негде присесть.",
  "Не убрана территория вокруг контейнерной площадки, мусор разбросан, контейнеры без крышек.",
  "На дереве у дома сломанная ветка висит над парковкой и может упасть на машины.",
  "В подъезде отвалилась штукатурка с потолка на первом этаже, куски падают на входящих.",
  "Продажа товаров с рук у выхода из метро, торговцы загораживают проход и оставляют мусор.",
}

local districts = {
  "Невский", "Выборгский", "Калининский", "Центральный", "Московский", "Кировский", "Приморский",
  "Красносельский", "Красногвардейский", "Адмиралтейский", "Фрунзенский", "Василеостровский", "Петроградский",
}

local streets = {
  "Невский проспект", "улица Коллонтай", "проспект Просвещения", "Гражданский проспект", "улица Савушкина",
  "Московский проспект", "проспект Стачек", "улица Дыбенко", "Бухарестская улица", "Ленинский проспект",
}

local names = { "Иванова Анна", "Петров Сергей", "Смирнова Ольга", "Кузнецов Дмитрий", "", "Соколова Мария" }

local token, run_id, measure_seconds = "", "run", 20
counter, issued = 0, 0
local deadline = nil
statuses = {}
answered = 0
local stopping = false

threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  token = args[1] or ""
  run_id = args[2] or "run"
  measure_seconds = tonumber(args[3] or "20")
  deadline = now() + measure_seconds
  tid = tonumber(tid) or 0
  -- wrk calls request() once on its first thread to verify the script before the run starts: not an appeal sent
  if tid == 1 then issued = -1 end
  math.randomseed(tid * 7919 + 17)
end

function delay()
  if now() >= deadline then
    stopping = true
    return 3600 * 1000 -- park the connection: no new appeal after the measured window
  end
  return 0
end

local function body()
  local text = texts[math.random(#texts)]
  local district = districts[math.random(#districts)]
  local house = math.random(1, 150)
  -- A point anywhere in the city, to the micro-degree (the API keeps six decimal places).
  local lat = 59.84 + math.random(0, 220000) / 1e6
  local lon = 30.20 + math.random(0, 320000) / 1e6
  return string.format(
    '{"text": "%s Адрес: %s, дом %d. Район: %s.", "district": "%s", "address": "Санкт-Петербург, %s, д. %d", ' ..
      '"contact_name": "%s", "contact_email": "user%d@example.ru", "latitude": %.6f, "longitude": %.6f}',
    text, streets[math.random(#streets)], house, district, district, streets[math.random(#streets)], house,
    names[math.random(#names)], math.random(1, 99999), lat, lon)
end

function request()
  counter = counter + 1
  issued = issued + 1
  local headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("%s-%d-%d", run_id, tid, counter),
  }
  return wrk.format("POST", "/api/v1/appeals", headers, body())
end

function response(status, headers, body)
  answered = answered + 1
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if stopping and answered >= issued then
    wrk.thread:stop() -- everything this thread sent is answered
  end
end

function done(summary, latency, requests)
  local lines = {}
  local total_issued, total_answered, merged = 0, 0, {}
  for _, thread in ipairs(threads) do
    total_issued = total_issued + (thread:get("issued") or 0)
    total_answered = total_answered + (thread:get("answered") or 0)
    for status, count in pairs(thread:get("statuses") or {}) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  table.insert(lines, string.format("issued %d", total_issued))
  table.insert(lines, string.format("answered %d", total_answered))
  for status, count in pairs(merged) do
    table.insert(lines, string.format("status %s %d", status, count))
  end
  table.insert(lines, string.format("requests %d", summary.requests))
  table.insert(lines, string.format("duration_us %d", summary.duration))
  for _, kind in ipairs({ "connect", "read", "write", "status", "timeout" }) do
    table.insert(lines, string.format("error_%s %d", kind, summary.errors[kind]))
  end
  for _, p in ipairs({ 50, 75, 90, 95, 99, 99.9 }) do
    table.insert(lines, string.format("latency_p%s_us %d", tostring(p), latency:percentile(p)))
  end
  table.insert(lines, string.format("latency_mean_us %f", latency.mean))
  table.insert(lines, string.format("latency_max_us %d", latency.max))
  io.write("INTAKE " .. table.concat(lines, "\nINTAKE ") .. "\n")
end
