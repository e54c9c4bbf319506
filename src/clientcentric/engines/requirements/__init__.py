"""Pure engines for mandatory requirements (обязательные требования): 247-ФЗ dates, OKVED codes, the Standard
Cost Model, duplicate and contradiction candidates. No Django."""
