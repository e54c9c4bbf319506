"""The demo's support measures for business: five measures of the demo region with their rules over the business
facts (OKVED prefixes, size, region, age of the business, its objects). Safe to run again."""

from datetime import date

from clientcentric.accounts.models import Agency
from clientcentric.registry import services as registry_services
from clientcentric.registry.models import Service, Touchpoint

from .services import business_support

VALID_FROM = date(2025, 1, 1)
MANUFACTURING = (
    "10",
    "11",
    "13",
    "14",
    "15",
    "16",
    "17",
    "18",
    "20",
    "22",
    "23",
    "25",
    "27",
    "28",
    "31",
    "32",
)

# (code, agency, name, description, legal basis, rule, why it applies, why not)
MEASURES = (
    (
        "biz-grant-young-business",
        "mineco",
        "Грант начинающему бизнесу до 500 000 ₽",
        "Грант на развитие дела для микро- и малых предприятий, которым меньше трёх лет: до 500 000 ₽ на "
        "оборудование, аренду и продвижение при софинансировании 15 %.",
        "Федеральный закон от 24.07.2007 № 209-ФЗ, статья 17; региональная программа «Развитие "
        "предпринимательства»",
        "size in ('micro', 'small') and age_at(registered_on) < 3",
        "Ваш бизнес — микро- или малое предприятие, и ему ещё нет трёх лет.",
        "Грант дают микро- и малым предприятиям моложе трёх лет.",
    ),
    (
        "biz-leasing-manufacturing",
        "moybiz",
        "Субсидия на уплату первого взноса по лизингу оборудования для производственных МСП",
        "Возмещение до 70 % первого взноса по договору лизинга нового оборудования — для малых и средних "
        "предприятий обрабатывающих производств.",
        "Федеральный закон от 24.07.2007 № 209-ФЗ; порядок предоставления субсидий центра «Мой бизнес»",
        "size in ('micro', 'small', 'medium') and any_prefix(okved, " + repr(MANUFACTURING) + ")",
        "Вы — малое или среднее предприятие и ведёте производство (по вашим кодам ОКВЭД раздела C).",
        "Субсидию дают только производственным МСП (коды ОКВЭД раздела C).",
    ),
    (
        "biz-preferential-rent",
        "mineco",
        "Льготная аренда помещений из перечня имущества для малого и среднего бизнеса",
        "Аренда государственных помещений по ставке 40 % в первый год и 60 % во второй для субъектов МСП, "
        "зарегистрированных в регионе и работающих в своих помещениях.",
        "Федеральный закон от 24.07.2007 № 209-ФЗ, статья 18",
        "region == '78' and size in ('micro', 'small', 'medium') and has_premises",
        "Вы зарегистрированы в регионе, относитесь к малому или среднему бизнесу и работаете в помещениях.",
        "Льготная аренда — для МСП региона, которым нужны помещения.",
    ),
    (
        "biz-bakery-programme",
        "mineco",
        "Региональная программа поддержки хлебопекарных и пищевых производств",
        "Компенсация части затрат на энергию и модернизацию печей для предприятий, выпекающих хлеб и "
        "мучные кондитерские изделия в регионе.",
        "Постановление Правительства Демонстрационной области «О поддержке производителей хлеба и "
        "хлебобулочных изделий»",
        "region == '78' and any_prefix(okved, ('10.71', '10.72', '10.8')) "
        "and 'production' in premises_purposes",
        "Вы печёте хлеб или кондитерские изделия (ОКВЭД 10.71–10.8) в своём цехе в регионе.",
        "Программа — для хлебопекарных и пищевых производств региона с собственным цехом.",
    ),
    (
        "biz-export-certification",
        "moybiz",
        "Компенсация затрат на сертификацию продукции для экспорта",
        "Возмещение до 80 % затрат на сертификацию и испытания продукции для выхода на зарубежные рынки — "
        "для средних производственных предприятий.",
        "Национальный проект «Эффективная и конкурентная экономика»; порядок центра поддержки экспорта",
        "size == 'medium' and any_prefix(okved, ('10', '20', '25', '28', '31'))",
        "Вы — среднее производственное предприятие.",
        "Компенсацию дают средним производственным предприятиям.",
    ),
)


def load() -> str:
    touchpoints = list(Touchpoint.objects.filter(code__in=("portal", "in_person")))
    created = 0
    for code, agency, name, description, basis, text, yes, no in MEASURES:
        service = Service.objects.filter(code=code).first()
        if service is None:
            service = registry_services.save_service(
                Service(
                    code=code,
                    name=name,
                    kind="support_measure",
                    agency=Agency.objects.get(code=agency),
                    effort_class="five_minutes",
                    description=description,
                    legal_basis=basis,
                    cost="Бесплатно",
                ),
                touchpoints=touchpoints,
            )
            created += 1
        business_support.publish_rule(
            code, service, text, valid_from=VALID_FROM, legal_reference=basis, explain_yes=yes, explain_no=no
        )
    return (
        f"Support measures for business: {len(MEASURES)} ({created} new), with rules over the business facts"
    )
