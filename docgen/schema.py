"""Declare the workbook layout of each document kind: sheets, fields, columns, hints and dropdown lists.

One declaration serves both directions: `blank.py` writes an empty workbook from it and `loader.py` reads a filled
one by it, so a label or a list changes in one place.  Fields are found by their Russian label (form sheets) or
header (table sheets), not by position, so a user who moves a column does not break the workbook.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """What a cell holds; decides how the loader converts it and how the blank workbook formats it."""

    TEXT = "text"
    LONG_TEXT = "long_text"  # wrapped, several lines allowed
    DATE = "date"  # a real date
    EVENT_DATE = "event_date"  # a date or «месяц год»
    SCHOOL_YEAR = "school_year"  # «2023-2024»


@dataclass(frozen=True)
class Column:
    """One input: a row of a form sheet or a column of a table sheet."""

    key: str  # dotted path in the model's input: "org.email"
    label: str
    hint: str
    kind: Kind = Kind.TEXT
    required: bool = True
    choices: str | None = None  # key of LISTS
    strict_choices: bool = False  # True: only a value of the list; False: the list is a suggestion
    width: int = 30


@dataclass(frozen=True)
class FormSheet:
    """A sheet of label / value / hint rows: one value per field."""

    name: str
    fields: tuple[Column, ...]
    label_header: str = "Поле"
    value_header: str = "Значение"
    hint_header: str = "Подсказка"


@dataclass(frozen=True)
class TableSheet:
    """A sheet with a header row and one record per row below it."""

    name: str
    key: str  # the model field holding the list of rows
    columns: tuple[Column, ...]
    min_rows: int = 1
    blank_rows: int = 30  # rows prepared (formats, dropdowns) in a blank workbook


@dataclass(frozen=True)
class WorkbookSpec:
    """The whole layout of one document kind's workbook."""

    kind: str
    title: str
    form: FormSheet
    tables: tuple[TableSheet, ...]
    instructions: tuple[str, ...]

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return (self.form.name, *(t.name for t in self.tables))


INSTRUCTIONS_SHEET = "Инструкция"
LISTS_SHEET = "Списки"

SCHOOL_YEARS = tuple(f"{y}-{y + 1}" for y in range(2023, 2036))

LISTS: dict[str, tuple[str, ...]] = {
    "event_forms": (
        "практикум", "семинар", "семинар-практикум", "«Мировое кафе»", "мастер-класс", "круглый стол",
        "конференция", "методическое мероприятие", "открытый урок", "открытое занятие", "вебинар",
        "консультация", "стажировка", "педагогическая мастерская", "творческая лаборатория",
        "деловая игра", "фестиваль", "форум", "лекция", "панельная дискуссия",
    ),
    "participants": (
        "учителя", "учителя начальных классов", "педагоги дошкольного образования",
        "педагоги дополнительного образования", "заместители руководителей", "руководители ОО",
        "молодые педагоги", "педагоги-наставники", "педагоги-психологи", "учителя-логопеды",
        "все педагогические работники",
    ),
    "product_kinds": (
        "статья", "публикация", "методические рекомендации", "сайт", "дидактический материал",
        "программа", "видеоматериал", "сборник", "другое",
    ),
    "school_years": SCHOOL_YEARS,
    "profiles": ("tomsk",),
}

ZAYAVKA = WorkbookSpec(
    kind="zayavka",
    title="Заявка на присвоение статуса стажировочной площадки",
    form=FormSheet(
        name="Заявка",
        fields=(
            Column("profile", "Муниципалитет (профиль)",
                   "tomsk — город Томск, распоряжение № 477. Пусто — tomsk.", required=False,
                   choices="profiles", strict_choices=True),
            Column("org.full_name", "Полное наименование организации",
                   "Как в уставе: муниципальное автономное общеобразовательное учреждение …", Kind.LONG_TEXT),
            Column("org.short_name", "Краткое наименование",
                   "Как в уставе, например МАОУ гимназия № 56 г. Томска; войдёт в имя файла"),
            Column("org.head_position", "Должность руководителя", "Например: директор"),
            Column("org.head_name", "ФИО руководителя", "Полностью: Фамилия Имя Отчество"),
            Column("org.address", "Адрес организации", "Почтовый адрес с индексом", required=False),
            Column("org.phone", "Телефон", "Например: +7 (3822) 12-34-56"),
            Column("org.email", "E-mail", "Адрес электронной почты организации"),
            Column("org.site", "Официальный сайт", "Начинается с https://", required=False),
            Column("topic", "Тема стажировки", "Пункт 1 формы заявки", Kind.LONG_TEXT),
            Column("goals", "Цели стажировки", "Пункт 2 формы заявки", Kind.LONG_TEXT),
            Column("tasks", "Задачи стажировки",
                   "Пункт 2 формы заявки; каждая задача с новой строки (Alt+Enter)", Kind.LONG_TEXT),
            Column("rationale", "Обоснование актуальности и значимости",
                   "Пункт 3 формы: не менее половины страницы (около 1500 знаков); абзацы — с новой строки",
                   Kind.LONG_TEXT),
            Column("first_year", "Первый учебный год плана",
                   "План на 3 учебных года, начиная с этого, например 2023-2024", Kind.SCHOOL_YEAR,
                   choices="school_years", strict_choices=True),
            Column("application_date", "Дата заявки",
                   "ДД.ММ.ГГГГ. Пусто — в документе строка даты для заполнения от руки", Kind.DATE,
                   required=False),
        ),
    ),
    tables=(
        TableSheet(
            name="Продукты",
            key="products",
            columns=(
                Column("kind", "Вид продукта", "Статья, методические рекомендации, сайт…; можно своё",
                       choices="product_kinds", width=28),
                Column("title", "Наименование продукта", "Что именно будет создано", Kind.LONG_TEXT, width=50),
                Column("due", "Срок предоставления", "Дата: ДД.ММ.ГГГГ", Kind.DATE, width=16),
                Column("site_date", "Размещение на сайте", "Дата размещения на официальном сайте: ДД.ММ.ГГГГ",
                       Kind.DATE, required=False, width=16),
            ),
            blank_rows=10,
        ),
        TableSheet(
            name="Дорожная карта",
            key="roadmap",
            columns=(
                Column("title", "Мероприятие", "Название мероприятия", Kind.LONG_TEXT, width=45),
                Column("form", "Форма проведения", "Практикум, семинар, «Мировое кафе»…; можно своё",
                       choices="event_forms", width=22),
                Column("result", "Ожидаемый результат", "Что получат участники", Kind.LONG_TEXT, width=40),
                Column("when", "Сроки проведения", "Дата ДД.ММ.ГГГГ или месяц и год: «ноябрь 2023»",
                       Kind.EVENT_DATE, width=16),
                Column("participants", "Категория участников", "Для кого предназначено; можно своё",
                       choices="participants", width=28),
                Column("responsible", "Ответственный", "И.О. Фамилия, должность", Kind.LONG_TEXT, width=30),
                Column("contacts", "Контактная информация", "Телефон или e-mail ответственного",
                       required=False, width=24),
            ),
            blank_rows=40,
        ),
    ),
    instructions=(
        "Заявка на присвоение статуса стажировочной площадки",
        "",
        "1. Заполните лист «Заявка»: столбец «Значение», по подсказкам справа.",
        "2. Лист «Продукты»: по строке на каждый планируемый продукт (пункт 4 формы заявки).",
        "3. Лист «Дорожная карта»: по строке на каждое мероприятие за 3 учебных года, "
        "не менее двух мероприятий в каждом году (Положение, п. 3.2).",
        "4. Проверьте книгу: docgen check <файл>.xlsx — программа покажет все ошибки с листом, строкой и столбцом.",
        "5. Получите документы: docgen render <файл>.xlsx -o <папка> — .docx и .pdf.",
        "",
        "Формулы допускаются, но файл должен быть сохранён в Excel или LibreOffice Calc, чтобы в нём были значения.",
        "Не объединяйте ячейки в таблицах. Даты — как даты или текстом ДД.ММ.ГГГГ.",
        "Подсказка к каждому столбцу — в примечании к его заголовку.",
    ),
)

SPECS: dict[str, WorkbookSpec] = {ZAYAVKA.kind: ZAYAVKA}
