"""The demo companies and people, as a small business would have them."""

ORGANIZATIONS = [
    {
        "name": "ООО «Северная звезда»",
        "tax_id": "7701234567",
        "website": "https://sev-zvezda.example.ru",
        "email": "info@sev-zvezda.example.ru",
        "address": "Москва, ул. Тверская, д. 12",
        "phone": "8 (495) 123-45-67",
        "tags": ["wholesale"],
        "people": [
            (
                "Иванов",
                "Пётр",
                "Сергеевич",
                "director",
                "Генеральный директор",
                "8 916 123-45-67",
            ),
            (
                "Смирнова",
                "Ольга",
                "Викторовна",
                "accountant",
                "Главный бухгалтер",
                "123-45-68 доб. 12",
            ),
            (
                "Кузнецов",
                "Андрей",
                "Павлович",
                "storekeeper",
                "Кладовщик",
                "+7 903 555-12-34",
            ),
        ],
    },
    {
        "name": "АО «Техноснаб»",
        "tax_id": "7812345678",
        "website": "https://tehnosnab.example.ru",
        "email": "office@tehnosnab.example.ru",
        "address": "Санкт-Петербург, Невский пр., д. 45",
        "phone": "+7 812 400-10-20",
        "tags": ["supplier"],
        "people": [
            (
                "Попова",
                "Анна",
                "Игоревна",
                "supplier",
                "Менеджер по закупкам",
                "8-921-700-11-22",
            ),
            (
                "Соколов",
                "Дмитрий",
                "Олегович",
                "manager",
                "Коммерческий директор",
                "+7 921 700-11-23",
            ),
        ],
    },
    {
        "name": "ИП Лебедев Максим Юрьевич",
        "tax_id": "500100732259",
        "website": "",
        "email": "lebedev.ip@example.ru",
        "address": "Подольск, ул. Ленина, д. 3",
        "phone": "8 800 555-35-35",
        "tags": ["retail"],
        "people": [
            (
                "Лебедев",
                "Максим",
                "Юрьевич",
                "director",
                "Индивидуальный предприниматель",
                "8 (926) 111-22-33",
            ),
            (
                "Лебедева",
                "Мария",
                "Андреевна",
                "accountant",
                "Бухгалтер",
                "8 (926) 111-22-34",
            ),
        ],
    },
    {
        "name": "Adriatik Trade SH.P.K.",
        "tax_id": "L91234567A",
        "website": "https://adriatik.example.al",
        "email": "info@adriatik.example.al",
        "address": "Rruga e Durrësit 10, Tiranë",
        "phone": "+355 4 222 3344",
        "tags": ["export"],
        "people": [
            ("Hoxha", "Arben", "", "director", "Drejtor", "+355 69 234 5678"),
            ("Krasniqi", "Elira", "", "accountant", "Financiere", "+355 68 765 4321"),
            ("Leka", "Besnik", "", "supplier", "Furnizim", "00355 67 211 2233"),
            ("Dushku", "Mira", "", "manager", "Menaxhere shitjesh", "+355 69 998 8776"),
        ],
    },
    {
        "name": "ООО «Зелёный сад»",
        "tax_id": "5003012345",
        "website": "https://zeleny-sad.example.ru",
        "email": "zakaz@zeleny-sad.example.ru",
        "address": "Московская обл., Видное, Промзона 7",
        "phone": "8 (495) 987-65-43",
        "tags": ["retail", "new"],
        "people": [
            (
                "Морозова",
                "Елена",
                "Сергеевна",
                "manager",
                "Управляющая",
                "8 915 222-33-44",
            ),
            (
                "Волков",
                "Игорь",
                "Николаевич",
                "storekeeper",
                "Заведующий складом",
                "8 915 222-33-45",
            ),
        ],
    },
]

PRIVATE_CLIENTS = [
    ("Новиков", "Алексей", "Петрович", "a.novikov@example.ru", "8 (917) 345-67-89"),
    ("Фёдорова", "Светлана", "", "sveta.fedorova@example.ru", "+7 917 345-00-11"),
    ("Shehu", "Ardit", "", "ardit.shehu@example.al", "+355 69 444 5566"),
]

PIPELINE = [
    ("Новая заявка / New", "open", 10),
    ("Переговоры / Negotiation", "open", 40),
    ("Счёт выставлен / Invoice sent", "open", 70),
    ("Выиграна / Won", "won", 100),
    ("Проиграна / Lost", "lost", 0),
]

CAMPAIGNS = [
    ("google", "cpc", "spring_sale"),
    ("yandex", "cpc", "spring_sale"),
    ("newsletter", "email", "november_digest"),
    ("facebook", "social", "brand_awareness"),
    ("", "", ""),
]

LEAD_PEOPLE = [
    (
        "Григорий Белов",
        "g.belov@example.ru",
        "8 903 111 22 33",
        "ООО «Вектор»",
        "Нужен прайс на оптовые поставки.",
    ),
    (
        "Ирина Котова",
        "kotova@example.ru",
        "+7 (905) 222-33-44",
        "",
        "Перезвоните, пожалуйста, после 15:00.",
    ),
    (
        "Олег Захаров",
        "zakharov@example.ru",
        "8 (495) 765-43-21 доб. 3",
        "Стройматериалы Плюс",
        "Интересует доставка в Тверь.",
    ),
    (
        "Klodian Meta",
        "k.meta@example.al",
        "+355 69 321 4567",
        "Meta Group",
        "Kërkoj ofertë për 200 copë.",
    ),
    (
        "Наталья Орлова",
        "n.orlova@example.ru",
        "89161112233",
        "",
        "Хочу заказать пробную партию.",
    ),
    (
        "Artem Pavlov",
        "apavlov@example.com",
        "+7 999 123 45 67",
        "Pavlov & Sons",
        "Do you ship abroad?",
    ),
    (
        "Светлана Фёдорова",
        "Sveta.Fedorova@example.ru ",
        "8 917 345 00 11",
        "",
        "Повторный заказ, как в прошлый раз.",
    ),
]

# One person typed twice (by two managers, from a call and from a business card):
# shown under CRM → Possible duplicates. (last, first, middle, e-mail, phone, activity)
DUPLICATE_PAIR = [
    (
        "Орлов",
        "Михаил",
        "Игоревич",
        "m.orlov@example.ru",
        "8 (926) 410-22-33",
        "Звонок: запросил прайс-лист / Asked for the price list",
    ),
    (
        "Orlov",
        "Mikhail",
        "",
        " M.Orlov@Example.ru",
        "+7 926 4102233",
        "Встреча: обсудили скидку / Meeting: discussed a discount",
    ),
]

CAPTURED_VISITORS = [
    # name, e-mail, phone as typed, company, message, first touch, last touch
    (
        "Мария Кузнецова",
        "m.kuznetsova@example.ru",
        "8 (916) 555-12-34",
        "",
        "Нужен расчёт доставки на 12 паллет.",
        ("yandex", "cpc", "spring_sale"),
        ("newsletter", "email", "april_digest"),
    ),
    (
        "Arben Hoxha",
        "arben@example.al",
        "+355 69 123 4567",
        "Hoxha Trade sh.p.k.",
        "Do you deliver to Tirana?",
        ("google", "organic", ""),
        ("facebook", "social", "balkans_launch"),
    ),
    (
        "Павел Орлов",
        "",
        "+7 495 700-11-22 доб. 15",
        "ООО «Вектор»",
        "Перезвоните, пожалуйста, после обеда.",
        ("", "", ""),
        ("partner", "referral", "vector_expo"),
    ),
]
