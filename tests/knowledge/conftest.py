import pytest

from clientcentric.knowledge import services
from clientcentric.knowledge.services import ArticleInput

ARTICLES = [
    (
        "Как подключить монетизацию на канале?",
        "Подайте заявку в разделе «Монетизация» Студии.",
        "Монетизация",
    ),
    ("Почему видео не загружается?", "Проверьте формат файла и размер: до 10 ГБ.", "Загрузка видео"),
    ("Как пройти верификацию канала?", "Заполните заявку на верификацию в настройках канала.", "Верификация"),
    ("Как удалить канал?", "Откройте настройки канала и выберите «Удалить канал».", "Общие вопросы"),
]


@pytest.fixture
def articles(db):
    return [services.save_article(ArticleInput(q, a, t))[0] for q, a, t in ARTICLES]
