from clientcentric.knowledge import demo
from clientcentric.knowledge.models import AnswerTemplate, Article


def test_demo_loads_the_knowledge_base_and_templates_once(db, tmp_path):
    path = tmp_path / "knowledge_base.csv"
    path.write_text(
        "Тема,Вопрос из БЗ,Ответ из БЗ\nКанал,Как удалить канал?,В настройках канала.\n", encoding="utf-8"
    )
    assert demo.load_knowledge_base(path).created["articles"] == 1
    assert demo.load_templates() == len(demo.TEMPLATES)
    assert demo.load_knowledge_base(path).unchanged["articles"] == 1
    assert demo.load_templates() == 0
    assert Article.objects.count() == 1
    assert AnswerTemplate.objects.count() == len(demo.TEMPLATES)
    assert all(t.current_version.number == 1 for t in AnswerTemplate.objects.all())
