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
    INT = "int"  # a whole number ≥ 0
    PERSON = "person"  # «Фамилия Имя Отчество»
    YES_NO = "yes_no"  # «да» / «нет»


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
    habit: str | None = None  # what typing habit to undo: "number" («№ 312» → «312»), "position" («Директор»),
    # "url" («school56.ru» → «https://school56.ru»)


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
    blank_rows: int = 30  # rows prepared (formats, dropdowns) in a blank workbook
    only_with: str | None = None  # a profile attribute that must be non-empty for the sheet to exist ("criteria")
    prefill: str | None = None  # a profile list whose items fill the first column of a blank workbook


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

    def tables_for(self, profile_has: set[str]) -> tuple[TableSheet, ...]:
        """The table sheets a workbook of a profile has; `profile_has` names the profile's non-empty lists."""
        return tuple(t for t in self.tables if t.only_with is None or t.only_with in profile_has)


INSTRUCTIONS_SHEET = "Инструкция"
# In `WorkbookSpec.instructions`: where the blank workbook says how to check the book and get the papers
# (`blank.how_to_check`: the web page first, the command line second).
HOW_TO_CHECK = "{how_to_check}"
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
    "yes_no": ("да", "нет"),
    "paragraph_styles": ("заголовок", "текст"),
    "trainee_forms": (
        "курсы повышения квалификации", "индивидуальная стажировка", "групповая стажировка",
        "профессиональная переподготовка", "наставничество", "методическое консультирование",
    ),
}

PROFILE = Column("profile", "Муниципалитет (профиль)",
                 "Город Томск (распоряжение № 477) или Турочакский район — из списка. Пусто — Город Томск.",
                 required=False, choices="profiles", strict_choices=True)

ORG_FIELDS = (
    Column("org.full_name", "Полное наименование организации",
           "Как в уставе: муниципальное автономное общеобразовательное учреждение …", Kind.LONG_TEXT),
    Column("org.short_name", "Краткое наименование",
           "Как в уставе, например МАОУ гимназия № 56 г. Томска; войдёт в имя файла"),
    Column("org.head_position", "Должность руководителя", "Например: директор", habit="position"),
    Column("org.head_name", "ФИО руководителя", "Полностью: Фамилия Имя Отчество", Kind.PERSON),
    Column("org.address", "Адрес организации", "Почтовый адрес с индексом", required=False),
    Column("org.phone", "Телефон", "Например: +7 (3822) 12-34-56"),
    Column("org.email", "E-mail", "Адрес электронной почты организации"),
    Column("org.site", "Официальный сайт", "Например https://school56.ru; без «https://» программа добавит его",
           required=False, habit="url"),
)

REPORT_EVENTS = TableSheet(
    name="Мероприятия",
    key="events",
    columns=(
        Column("title", "Мероприятие", "Название проведённого мероприятия", Kind.LONG_TEXT, width=50),
        Column("form", "Форма проведения", "Семинар, практикум…; можно своё", choices="event_forms", width=24),
        Column("when", "Дата проведения", "Дата ДД.ММ.ГГГГ или месяц и год: «ноябрь 2023»", Kind.EVENT_DATE,
               width=16),
        Column("participants", "Количество участников", "Целое число; итог посчитает программа", Kind.INT,
               width=14),
    ),
)


# Only a profile with indicators (Turochak) has the sheet «Показатели»: the step is left out of other blanks.
CRITERIA_STEP = ("Турочакский район: лист «Показатели» — отметьте «да» у показателей, которым организация "
                 "соответствует, и укажите подтверждение.")

ZAYAVKA = WorkbookSpec(
    kind="zayavka",
    title="Заявка на присвоение статуса стажировочной площадки",
    form=FormSheet(
        name="Заявка",
        fields=(
            PROFILE,
            *ORG_FIELDS,
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
        TableSheet(
            name="Показатели",
            key="criteria",
            columns=(
                Column("text", "Показатель", "Текст показателя из Положения; не меняйте его", Kind.LONG_TEXT,
                       width=70),
                Column("met", "Соответствует", "да или нет", Kind.YES_NO, choices="yes_no", strict_choices=True,
                       width=16),
                Column("evidence", "Подтверждение", "Чем подтверждается: приказ, сайт, результаты…",
                       Kind.LONG_TEXT, required=False, width=60),
            ),
            blank_rows=0,
            only_with="criteria",
            prefill="criteria",
        ),
    ),
    instructions=(
        "Заявка на присвоение статуса стажировочной площадки",
        "",
        "1. Заполните лист «Заявка»: столбец «Значение», по подсказкам справа.",
        "2. Лист «Продукты»: по строке на каждый планируемый продукт (пункт 4 формы заявки).",
        "3. Лист «Дорожная карта»: по строке на каждое мероприятие за 3 учебных года, "
        "не менее двух мероприятий в каждом году (Положение, п. 3.2).",
        HOW_TO_CHECK,
        "",
        "Формулы допускаются, но файл должен быть сохранён в Excel или LibreOffice Calc, чтобы в нём были значения.",
        "Не объединяйте ячейки в таблицах. Даты — как даты или текстом ДД.ММ.ГГГГ.",
        "Подсказка к каждому столбцу — в примечании к его заголовку.",
        CRITERIA_STEP,
    ),
)

OTCHET = WorkbookSpec(
    kind="otchet",
    title="Отчёт стажировочной площадки",
    form=FormSheet(
        name="Отчёт",
        fields=(
            PROFILE,
            *ORG_FIELDS,
            Column("topic", "Тема стажировочной площадки", "Как в распоряжении о присвоении статуса", Kind.LONG_TEXT),
            Column("term_start", "Начало срока деятельности", "ДД.ММ.ГГГГ", Kind.DATE),
            Column("term_end", "Окончание срока деятельности",
                   "ДД.ММ.ГГГГ, как в распоряжении (например 31.12.2025); от неё считается срок отчёта", Kind.DATE),
            Column("report_date", "Дата отчёта", "ДД.ММ.ГГГГ. Пусто — строка даты для заполнения от руки", Kind.DATE,
                   required=False),
            Column("tasks", "1) Задачи реализации программы", "Каждая задача с новой строки", Kind.LONG_TEXT),
            Column("interim_results", "2) Промежуточные результаты", "Что достигнуто; абзацы с новой строки",
                   Kind.LONG_TEXT),
            Column("individual_product", "4) Индивидуальный образовательный продукт",
                   "Продукт, адаптированный к условиям своей образовательной организации", Kind.LONG_TEXT),
            Column("other", "4) Другое", "Иные продукты программы; можно оставить пустым", Kind.LONG_TEXT,
                   required=False),
            Column("corrections", "5) Вносимые корректировки и их обоснования",
                   "Если корректировок не было, так и напишите", Kind.LONG_TEXT),
        ),
    ),
    tables=(
        REPORT_EVENTS,
        TableSheet(
            name="Проекты стажёров",
            key="trainee_projects",
            columns=(
                Column("title", "Проект", "Название проекта стажёра", Kind.LONG_TEXT, width=50),
                Column("author", "Автор", "ФИО стажёра, образовательная организация", width=40),
                Column("link", "Ссылка на сайте ОО", "Полный адрес: https://…", width=50),
            ),
            blank_rows=20,
        ),
        TableSheet(
            name="Продукты",
            key="products",
            columns=(
                Column("kind", "Вид продукта", "Методические рекомендации, публикация…", choices="product_kinds",
                       width=28),
                Column("title", "Наименование продукта", "Название", Kind.LONG_TEXT, width=50),
                Column("link", "Ссылка", "Где размещён: https://… (если размещён)", required=False, width=50),
            ),
            blank_rows=10,
        ),
    ),
    instructions=(
        "Отчёт муниципальной стажировочной площадки (распоряжение № 477, п. 2.4; Положение, п. 7)",
        "",
        "1. Лист «Отчёт»: сведения об организации и разделы 1, 2, 4, 5 отчёта.",
        "2. Лист «Мероприятия» (раздел 3): перечень, формы, количество участников; итог посчитает программа.",
        "3. Лист «Проекты стажёров» (раздел 4): название, автор, ссылка на размещение на сайте ОО.",
        "4. Лист «Продукты» (раздел 4): презентация образовательных продуктов.",
        HOW_TO_CHECK,
        "",
        "Проверка покажет и сколько дней осталось до срока сдачи отчёта (14 дней после окончания срока деятельности);",
        "документ называется «Отчет стажировочной ОО …», как требует п. 2.4 распоряжения № 477.",
    ),
)

OTCHET_PRAKTIKA = WorkbookSpec(
    kind="otchet_praktika",
    title="Отчёт по практике на стажировочной площадке",
    form=FormSheet(
        name="Отчёт по практике",
        fields=(
            PROFILE,
            *ORG_FIELDS,
            Column("site_head", "ФИО руководителя стажировочной площадки", "Полностью: Фамилия Имя Отчество",
                   Kind.PERSON),
            Column("site_head_position", "Должность руководителя площадки",
                   "Например: заместитель директора по УВР (п. 4.1 Положения)", habit="position"),
            Column("coordinator", "ФИО координатора стажировочной площадки",
                   "Полностью: Фамилия Имя Отчество — методист Управления образования, которому сдаётся отчёт "
                   "(п. 4.5–4.6 Положения); в документе: «Н.В. Сидоровой»"),
            Column("topic", "Направление (тема) стажировочной площадки", "", Kind.LONG_TEXT),
            Column("period_start", "Начало отчётного периода", "ДД.ММ.ГГГГ", Kind.DATE),
            Column("period_end", "Окончание отчётного периода", "ДД.ММ.ГГГГ", Kind.DATE),
            Column("report_date", "Дата отчёта", "ДД.ММ.ГГГГ. Пусто — строка даты для заполнения от руки",
                   Kind.DATE, required=False),
            Column("program", "Программа стажировки", "Название и краткое содержание программы (п. 4.4)",
                   Kind.LONG_TEXT),
            Column("results", "Результаты практики", "Что освоили стажёры; абзацы с новой строки", Kind.LONG_TEXT),
            Column("site_link", "Информация на сайте ОО", "Ссылка на страницу площадки: https://…",
                   required=False),
            Column("proposals", "Предложения", "Можно оставить пустым", Kind.LONG_TEXT, required=False),
        ),
    ),
    tables=(
        TableSheet(
            name="Стажёры",
            key="trainees",
            columns=(
                Column("name", "ФИО стажёра", "Полностью", width=34),
                Column("organization", "Образовательная организация", "Краткое наименование", width=34),
                Column("position", "Должность", "Например: учитель математики", width=28),
                Column("form", "Форма стажировки", "Курсы, индивидуальная стажировка…; можно своё",
                       choices="trainee_forms", width=30),
                Column("hours", "Часы", "Целое число часов (можно не указывать)", Kind.INT, required=False,
                       width=10),
            ),
        ),
        REPORT_EVENTS,
    ),
    instructions=(
        "Отчёт по практике на стажировочной площадке (Положение Турочакского района, п. 4.5)",
        "",
        "1. Лист «Отчёт по практике»: организация, руководитель площадки, координатор, период, программа, итоги.",
        "2. Лист «Стажёры»: кто прошёл практику, из какой организации, в какой форме.",
        "3. Лист «Мероприятия»: семинары, конференции, «круглые столы» (п. 4.4) и число участников.",
        HOW_TO_CHECK,
    ),
)

PLAN = WorkbookSpec(
    kind="plan",
    title="План деятельности стажировочной площадки",
    form=FormSheet(
        name="План",
        fields=(
            PROFILE,
            *ORG_FIELDS,
            Column("topic", "Тема стажировочной площадки", "", Kind.LONG_TEXT),
            Column("school_year", "Учебный год", "Например 2024-2025", Kind.SCHOOL_YEAR, choices="school_years",
                   strict_choices=True),
            Column("approval_date", "Дата утверждения", "ДД.ММ.ГГГГ. Пусто — строка даты для заполнения от руки",
                   Kind.DATE, required=False),
        ),
    ),
    tables=(
        TableSheet(
            name="Мероприятия",
            key="events",
            columns=(
                Column("title", "Мероприятие", "Название", Kind.LONG_TEXT, width=50),
                Column("form", "Форма проведения", "Семинар, практикум…; можно своё", choices="event_forms",
                       width=24),
                Column("when", "Сроки", "Дата ДД.ММ.ГГГГ или месяц и год: «ноябрь 2024»", Kind.EVENT_DATE, width=16),
                Column("responsible", "Ответственный", "И.О. Фамилия, должность", Kind.LONG_TEXT, width=34),
            ),
        ),
    ),
    instructions=(
        "План деятельности стажировочной площадки на учебный год (Положение г. Томска, п. 5)",
        "",
        "1. Лист «План»: организация, тема, учебный год.",
        "2. Лист «Мероприятия»: мероприятия на год, формы их проведения, сроки, ответственные.",
        HOW_TO_CHECK,
        "",
        "План можно сделать и из заявки, без этой книги: в командной строке docgen plan <заявка>.xlsx "
        "--year 2024-2025 -o <папка>.",
    ),
)

def _forms(prefix: str, label: str, cases: tuple[tuple[str, str], ...]) -> tuple[Column, ...]:
    """Optional hand-typed case forms of a name: they win over the automatic declension."""
    return tuple(Column(f"{prefix}.forms.{code}", f"{label}: {name} (вручную)",
                        f"Заполните, только если автоматическое склонение неверно ({name} падеж)",
                        required=False, width=30) for code, name in cases)


RASPORYAZHENIE = WorkbookSpec(
    kind="rasporyazhenie",
    title="Распоряжение о стажировочных площадках",
    form=FormSheet(
        name="Распоряжение",
        fields=(
            PROFILE,
            Column("order_date", "Дата распоряжения", "ДД.ММ.ГГГГ", Kind.DATE),
            Column("number", "Номер", "Например 477 (без «№»)", habit="number"),
            Column("title", "Заголовок", "«Об …», без точки в конце", Kind.LONG_TEXT),
            Column("preamble", "Преамбула", "«В соответствии с …, с целью …»", Kind.LONG_TEXT),
            Column("cancel_text", "Пункт об отмене прежнего акта",
                   "«Прекратить действие приказа … № …». Пусто — пункта не будет", Kind.LONG_TEXT, required=False),
            Column("termination_lead", "Пункт о прекращении деятельности площадок",
                   "Вводная часть; площадки и даты — на листе «Прекращение». Лист пуст — пункта не будет",
                   Kind.LONG_TEXT, required=False),
            Column("report_text", "Поручение об отчёте",
                   "Продолжение после «Руководителям <организации>»: «по окончании срока … по форме:»; "
                   "только вместе с листом «Прекращение»", Kind.LONG_TEXT, required=False),
            Column("report_form", "Форма отчёта", "Каждый раздел с новой строки; только вместе с листом «Прекращение»",
                   Kind.LONG_TEXT, required=False),
            Column("approval_text", "Пункт об утверждении Положения",
                   "«Утвердить Положение о …»; «(приложение № 1)» программа добавит сама", Kind.LONG_TEXT),
            Column("control_position.nominative", "Контроль: должность (им. п.)",
                   "Например: заместитель начальника департамента образования …", Kind.LONG_TEXT),
            *_forms("control_position", "Контроль: должность", (("вн", "винительный"),)),
            Column("control_person.nominative", "Контроль: И.О. Фамилия (им. п.)",
                   "Лучше полностью: Швайко Ирина Викторовна — в распоряжении будет «И.В. Швайко»; "
                   "по одним инициалам пол не всегда понятен"),
            *_forms("control_person", "Контроль: И.О. Фамилия", (("вн", "винительный"),)),
            Column("signer_position", "Подписывает: должность", "Например: Начальник департамента"),
            Column("signer_name", "Подписывает: И.О. Фамилия", "Например: М.Г. Савенков"),
        ),
    ),
    tables=(
        TableSheet(
            name="Прекращение",
            key="terminations",
            columns=(
                Column("org.nominative", "Организация (им. п.)", "Краткое наименование, как в уставе", width=40),
                Column("end", "Окончание деятельности", "ДД.ММ.ГГГГ; подпункты группируются по дате", Kind.DATE,
                       width=18),
                Column("org.forms.тв", "Творительный (вручную)", "«кем?» — если автоматическое склонение неверно",
                       required=False, width=34),
                Column("org.forms.рд", "Родительный (вручную)", "«кого?» — если автоматическое склонение неверно",
                       required=False, width=34),
            ),
        ),
        TableSheet(
            name="Поручения",
            key="assignments",
            columns=(
                Column("executor.nominative", "Исполнитель (им. п.)",
                       "Например: Руководители образовательных организаций", Kind.LONG_TEXT, width=40),
                Column("contact", "Ответственное лицо", "В скобках после исполнителя: Пустовалова В.В.",
                       required=False, width=22),
                Column("text", "Поручение", "Что сделать", Kind.LONG_TEXT, width=60),
                Column("deadline", "Срок", "Например: с 01.05.2023; до 31.05.2023", required=False, width=20),
                Column("executor.forms.дт", "Исполнитель: дательный (вручную)",
                       "«кому?» — если автоматическое склонение неверно", required=False, width=34),
            ),
        ),
        TableSheet(
            name="Пункты",
            key="free_points",
            columns=(
                Column("text", "Текст пункта", "Пункт, которого нет в данных; вставляется перед пунктом о контроле",
                       Kind.LONG_TEXT, width=70),
                Column("subpoints", "Подпункты", "Каждый подпункт с новой строки", Kind.LONG_TEXT, required=False,
                       width=60),
            ),
            blank_rows=10,
        ),
        TableSheet(
            name="Площадки",
            key="sites",
            columns=(
                Column("org.nominative", "Организация", "Краткое наименование", width=40),
                Column("topic", "Тема", "Тема стажировочной площадки", Kind.LONG_TEXT, width=60),
                Column("term", "Срок деятельности", "Например: 2023–2024, 2024–2025 учебные годы", width=26),
            ),
        ),
        TableSheet(
            name="Положение",
            key="polozhenie",
            columns=(
                Column("style", "Вид", "заголовок или текст", choices="paragraph_styles", strict_choices=True,
                       width=14),
                Column("text", "Текст", "Абзац Положения; нумерация — как в тексте", Kind.LONG_TEXT, width=100),
            ),
            blank_rows=100,
        ),
    ),
    instructions=(
        "Распоряжение департамента образования о стажировочных площадках (по образцу № 477 от 04.05.2023)",
        "",
        "1. Лист «Распоряжение»: реквизиты, заголовок, преамбула, тексты пунктов. Номера пунктов ставит программа.",
        "2. Лист «Прекращение»: площадки, прекращающие деятельность, с датами; подпункты — по одному на дату.",
        "Ни у одной площадки срок не кончается — оставьте лист пустым: пункта о прекращении и поручения об отчёте",
        "не будет.",
        "3. Лист «Поручения»: исполнители (в именительном падеже), поручения и сроки; склоняет программа.",
        "4. Лист «Пункты»: свободные пункты. Лист «Площадки»: организации, которым присваивается статус; если он",
        "заполнен, программа добавит пункт «Присвоить статус … (приложение № 2)» и перечень — приложение № 2.",
        "5. Лист «Положение»: текст Положения (приложение № 1) по абзацам.",
        HOW_TO_CHECK,
        "",
        "Склонение проверьте по списку «Проверка склонений», который программа кладёт рядом с документом;",
        "неверную форму впишите в столбец «… (вручную)» — она всегда главнее автоматической.",
    ),
)

SPECS: dict[str, WorkbookSpec] = {
    spec.kind: spec for spec in (ZAYAVKA, OTCHET, OTCHET_PRAKTIKA, PLAN, RASPORYAZHENIE)
}
