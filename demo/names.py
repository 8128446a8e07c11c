"""Name lists for the fictional town of Eastbrook, written for Tessera's synthetic demo data.

The lists are common first names and surnames heard across England, grouped by heritage so that
the generated young people reflect a diverse town: the research warns that boys, Black and
minority ethnic young people are under-identified, so the demo must contain them. A generated
person is a random combination of a first name, a surname, a date of birth and a fictional
address in Eastbrook: any resemblance to a real child is coincidence. Street names are invented
for Eastbrook (ordinary English street-name patterns, not copied from any real town's list).
"""

from __future__ import annotations

# The lists are kept compact by hand.
# fmt: off

WHITE_BRITISH = "white_british"
SOUTH_ASIAN = "south_asian"
BLACK_BRITISH = "black_british"
EASTERN_EUROPEAN = "eastern_european"
MIXED = "mixed"
OTHER = "other"

# Rough shares for a diverse English town; "mixed" draws from two of the other heritages.
HERITAGE_WEIGHTS: dict[str, float] = {
    WHITE_BRITISH: 0.60,
    SOUTH_ASIAN: 0.14,
    BLACK_BRITISH: 0.09,
    EASTERN_EUROPEAN: 0.07,
    MIXED: 0.07,
    OTHER: 0.03,
}

# Which heritages the parents of a young person of mixed heritage come from.
MIXED_PARENTS: tuple[tuple[str, str], ...] = (
    (WHITE_BRITISH, BLACK_BRITISH),
    (WHITE_BRITISH, BLACK_BRITISH),
    (WHITE_BRITISH, SOUTH_ASIAN),
    (WHITE_BRITISH, EASTERN_EUROPEAN),
    (BLACK_BRITISH, SOUTH_ASIAN),
)

GIRLS: dict[str, tuple[str, ...]] = {
    WHITE_BRITISH: (
        "Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Lily", "Freya", "Ella",
        "Poppy", "Evie", "Charlotte", "Jessica", "Chloe", "Ruby", "Holly", "Megan", "Lucy",
        "Katie", "Ellie", "Millie", "Daisy", "Harriet", "Molly", "Abigail", "Hannah", "Lauren",
        "Bethany", "Courtney", "Paige", "Jade", "Leah", "Niamh", "Erin", "Libby", "Scarlett",
        "Maisie", "Summer", "Kayleigh", "Georgia", "Rosie", "Tilly", "Phoebe", "Imogen",
    ),
    SOUTH_ASIAN: (
        "Aisha", "Fatima", "Zara", "Maryam", "Amira", "Hafsa", "Inaya", "Safa", "Ayesha",
        "Sana", "Mehreen", "Anaya", "Priya", "Simran", "Jasleen", "Harleen", "Navneet", "Riya",
        "Anika", "Diya", "Nusrat", "Sumaiya", "Tahmina", "Rumana", "Khadija", "Hiba", "Iqra",
        "Noor", "Alisha", "Kiran",
    ),
    BLACK_BRITISH: (
        "Amara", "Chidinma", "Adaeze", "Ifeoma", "Temitope", "Folake", "Abena", "Ama", "Esi",
        "Nia", "Imani", "Kemi", "Tiana", "Shanice", "Jada", "Aaliyah", "Precious", "Blessing",
        "Grace", "Favour", "Deborah", "Hodan", "Ayan", "Sagal", "Nasra", "Ruth", "Makeda",
        "Naomi", "Zainab", "Tolu",
    ),
    EASTERN_EUROPEAN: (
        "Zofia", "Julia", "Zuzanna", "Maja", "Natalia", "Oliwia", "Wiktoria", "Aleksandra",
        "Amelia", "Lena", "Ioana", "Andreea", "Elena", "Bianca", "Alexandra", "Gabriela",
        "Emilija", "Austeja", "Gabija", "Viktorija", "Anastasia", "Daria", "Kristina", "Eva",
        "Petra", "Nikola", "Karolina", "Milena",
    ),
    OTHER: (
        "Mei", "Lin", "Xinyi", "Yasmin", "Layla", "Rania", "Hana", "Shirin", "Roza", "Mariam",
        "Lan", "Ngoc", "Esmeralda", "Kezia", "Brigid", "Dilan",
    ),
}

BOYS: dict[str, tuple[str, ...]] = {
    WHITE_BRITISH: (
        "Oliver", "Harry", "George", "Jack", "Charlie", "Thomas", "James", "William", "Noah",
        "Leo", "Alfie", "Freddie", "Archie", "Joshua", "Daniel", "Samuel", "Joseph", "Callum",
        "Connor", "Kyle", "Liam", "Ryan", "Bradley", "Jordan", "Lewis", "Owen", "Reece",
        "Jake", "Tyler", "Harvey", "Mason", "Ethan", "Dylan", "Luke", "Kieran", "Ben",
        "Finley", "Jamie", "Toby", "Max", "Billy", "Frankie", "Ollie", "Rhys", "Aaron",
    ),
    SOUTH_ASIAN: (
        "Muhammad", "Mohammed", "Ibrahim", "Yusuf", "Zain", "Ayaan", "Hamza", "Ali", "Bilal",
        "Imran", "Haris", "Rayyan", "Arjun", "Rohan", "Aarav", "Dev", "Harjeet", "Gurpreet",
        "Jaspal", "Karan", "Vikram", "Sahil", "Rahim", "Sajid", "Shahid", "Tariq", "Faisal",
        "Usman", "Arman", "Kabir",
    ),
    BLACK_BRITISH: (
        "Kwame", "Kofi", "Kojo", "Chinedu", "Emeka", "Obinna", "Tunde", "Femi", "Ayo", "Dami",
        "Jerome", "Tyrone", "Marcus", "Andre", "Jermaine", "Malachi", "Elijah", "Isaiah",
        "Nathaniel", "Joel", "Abdi", "Mohamed", "Yusuf", "Kayden", "Jayden", "Tobi", "David",
        "Samuel", "Michael", "Kelvin",
    ),
    EASTERN_EUROPEAN: (
        "Jakub", "Szymon", "Filip", "Kacper", "Mateusz", "Bartosz", "Oskar", "Antoni",
        "Wojciech", "Dawid", "Andrei", "Stefan", "Mihai", "Alexandru", "Ionut", "Darius",
        "Lukas", "Matas", "Dominykas", "Nojus", "Tomas", "Marek", "Pavel", "Dmitri", "Nikolai",
        "Adrian", "Patryk", "Kamil",
    ),
    OTHER: (
        "Wei", "Jun", "Hao", "Omar", "Karim", "Ahmed", "Rami", "Dara", "Aram", "Minh", "Tuan",
        "Romeo", "Levi", "Johnny", "Patrick", "Sami",
    ),
}

# Chosen names a non-binary young person may be known by (recorded as "other names").
CHOSEN_NAMES: tuple[str, ...] = (
    "Alex", "Sam", "Charlie", "Jordan", "Rowan", "Robin", "Kai", "Jules", "Frankie", "Ash",
    "Morgan", "River", "Sasha", "Nico",
)

FAMILY: dict[str, tuple[str, ...]] = {
    WHITE_BRITISH: (
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
        "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
        "Hall", "Wood", "Jackson", "Clarke", "Harrison", "Lewis", "Morris", "Cooper", "Ward",
        "Turner", "Hughes", "Edwards", "Parker", "Collins", "Marshall", "Atkinson", "Barker",
        "Holmes", "Fletcher", "Doyle", "Kelly", "O'Neill", "Macdonald", "Pearson", "Hardy",
        "Shaw", "Gibson", "Fisher", "Mason", "Knight", "Hudson", "Webb", "Lowe", "Burton",
        "Booth", "Dixon", "Stevenson", "Brennan", "Quinn", "Lloyd", "Hartley", "Sutcliffe",
        "Whitehead", "Ashworth",
    ),
    SOUTH_ASIAN: (
        "Khan", "Ahmed", "Hussain", "Ali", "Begum", "Akhtar", "Iqbal", "Mahmood", "Rehman",
        "Shah", "Malik", "Chaudhry", "Butt", "Rashid", "Islam", "Uddin", "Miah", "Rahman",
        "Chowdhury", "Patel", "Sharma", "Singh", "Kaur", "Gill", "Sandhu", "Dhillon", "Bains",
        "Mistry", "Joshi", "Kumar",
    ),
    BLACK_BRITISH: (
        "Okafor", "Okonkwo", "Adeyemi", "Adebayo", "Oyelaran", "Eze", "Nwosu", "Mensah",
        "Boateng", "Asante", "Owusu", "Appiah", "Osei", "Campbell", "Brown", "Williams",
        "Francis", "Henry", "Thomas", "Grant", "Reid", "Bailey", "Clarke", "Forbes", "Gordon",
        "Mohamed", "Ahmed", "Abdi", "Hassan", "Warsame", "Tesfaye", "Bekele",
    ),
    EASTERN_EUROPEAN: (
        "Nowak", "Kowalski", "Wisniewski", "Wojcik", "Kaminski", "Lewandowski", "Zielinski",
        "Szymanski", "Dabrowski", "Kozlowski", "Popescu", "Ionescu", "Popa", "Dumitru",
        "Stan", "Radu", "Kazlauskas", "Jankauskas", "Petrauskas", "Balciunas", "Horvath",
        "Novak", "Dvorak", "Ivanov", "Petrov", "Kovalenko", "Bondarenko", "Shevchenko",
    ),
    OTHER: (
        "Chen", "Wang", "Li", "Zhang", "Wong", "Nguyen", "Tran", "Pham", "Haddad", "Nasser",
        "Karimi", "Rahimi", "Ahmadi", "Kurt", "Yilmaz", "Demir", "Lee", "Price", "Loveridge",
        "Boswell",
    ),
}

# What a young person is often called instead ("known as"), by first name.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Oliver": ("Ollie",),
    "Harry": ("H",),
    "Charlie": ("Chaz",),
    "Thomas": ("Tom", "Tommy"),
    "James": ("Jim", "Jamie"),
    "William": ("Will", "Billy"),
    "Joshua": ("Josh",),
    "Daniel": ("Dan", "Danny"),
    "Samuel": ("Sam", "Sammy"),
    "Joseph": ("Joe",),
    "Callum": ("Cal",),
    "Bradley": ("Brad",),
    "Jordan": ("JJ",),
    "Harvey": ("Harv",),
    "Alfie": ("Alf",),
    "Freddie": ("Fred",),
    "Kieran": ("Kez",),
    "Tyler": ("Ty",),
    "Finley": ("Fin",),
    "Olivia": ("Liv", "Livvy"),
    "Amelia": ("Millie",),
    "Emily": ("Em",),
    "Charlotte": ("Lottie", "Charlie"),
    "Jessica": ("Jess",),
    "Abigail": ("Abbie",),
    "Hannah": ("Han",),
    "Bethany": ("Beth",),
    "Courtney": ("Court",),
    "Georgia": ("George",),
    "Imogen": ("Immy",),
    "Scarlett": ("Scar",),
    "Kayleigh": ("Kay",),
    "Muhammad": ("Mo", "Moe"),
    "Mohammed": ("Mo",),
    "Mohamed": ("Mo",),
    "Ibrahim": ("Ibby",),
    "Yusuf": ("Yus",),
    "Hamza": ("Hamz",),
    "Rayyan": ("Ray",),
    "Ayesha": ("Aish",),
    "Fatima": ("Fats",),
    "Maryam": ("Mimi",),
    "Khadija": ("Dija",),
    "Temitope": ("Temi", "Tope"),
    "Oluwaseun": ("Seun",),
    "Adaeze": ("Ada",),
    "Chidinma": ("Dinma",),
    "Ifeoma": ("Ify",),
    "Folake": ("Fola",),
    "Chinedu": ("Ched",),
    "Obinna": ("Obi",),
    "Nathaniel": ("Nate", "Nat"),
    "Malachi": ("Kai",),
    "Elijah": ("Eli",),
    "Jermaine": ("J",),
    "Marcus": ("Marky",),
    "Aleksandra": ("Ola",),
    "Zuzanna": ("Zuza",),
    "Wiktoria": ("Wika",),
    "Natalia": ("Nata",),
    "Alexandra": ("Alex",),
    "Gabriela": ("Gabi",),
    "Anastasia": ("Nastya",),
    "Jakub": ("Kuba",),
    "Wojciech": ("Wojtek",),
    "Mateusz": ("Matt",),
    "Alexandru": ("Alex",),
    "Dominykas": ("Dom",),
    "Dmitri": ("Dima",),
    "Nikolai": ("Kolya",),
}

# Spellings of the same first name that different agencies record.
GIVEN_NAME_VARIANTS: dict[str, tuple[str, ...]] = {
    "Muhammad": ("Mohammed", "Mohammad", "Muhammed"),
    "Mohammed": ("Muhammad", "Mohamed"),
    "Mohamed": ("Mohammed", "Mohamud"),
    "Aisha": ("Ayesha", "Aysha"),
    "Ayesha": ("Aisha",),
    "Zainab": ("Zaynab",),
    "Maryam": ("Mariam", "Miriam"),
    "Yusuf": ("Yousef", "Yusef"),
    "Hafsa": ("Hafsah",),
    "Amira": ("Ameera",),
    "Jayden": ("Jaden", "Jaydon"),
    "Kayden": ("Kaden",),
    "Aaliyah": ("Aliyah",),
    "Katie": ("Katy", "Caitie"),
    "Kayleigh": ("Kayley", "Kaylee"),
    "Leah": ("Lea",),
    "Lewis": ("Louis",),
    "Reece": ("Rhys", "Reese"),
    "Rhys": ("Reece",),
    "Zofia": ("Zophia", "Sofia"),
    "Aleksandra": ("Alexandra",),
    "Wiktoria": ("Viktoria", "Victoria"),
    "Oliwia": ("Olivia",),
    "Andrei": ("Andrey",),
    "Ioana": ("Yoana",),
    "Dmitri": ("Dmitry",),
    "Temitope": ("Temi",),
    "Tolu": ("Tolulope",),
    "Isla": ("Islay",),
    "Freya": ("Freyja",),
    "Niamh": ("Neve",),
    "Callum": ("Calum",),
    "Phoebe": ("Pheobe",),
}

# Surname spellings that get confused, beyond simple slips of the keyboard.
FAMILY_NAME_VARIANTS: dict[str, tuple[str, ...]] = {
    "Smith": ("Smyth",),
    "Thompson": ("Thomson", "Tompson"),
    "Macdonald": ("McDonald", "MacDonald"),
    "O'Neill": ("ONeill", "O'Neil"),
    "Clarke": ("Clark",),
    "Davies": ("Davis",),
    "Pearson": ("Pierson",),
    "Stevenson": ("Stephenson",),
    "Hussain": ("Hussein", "Husain"),
    "Rehman": ("Rahman",),
    "Rahman": ("Rehman",),
    "Chaudhry": ("Chaudhary", "Choudhury"),
    "Chowdhury": ("Choudhury",),
    "Mahmood": ("Mahmud",),
    "Mohamed": ("Mohammed",),
    "Okonkwo": ("Okonko",),
    "Owusu": ("Owusuh",),
    "Wisniewski": ("Wisnieski",),
    "Wojcik": ("Wojczik",),
    "Kowalski": ("Kowalsky",),
    "Novak": ("Nowak",),
    "Nowak": ("Novak",),
    "Ivanov": ("Ivanoff",),
    "Nguyen": ("Nguyn",),
}

# Adults' first names for the demo staff accounts (any heritage).
STAFF_GIVEN: tuple[str, ...] = (
    "Sarah", "Claire", "Helen", "Rachel", "Joanne", "Nicola", "Emma", "Gemma", "Samantha",
    "Priya", "Nadia", "Shazia", "Funmi", "Grace", "Agnieszka", "Monika", "Mark", "Paul",
    "Andrew", "Gareth", "Stuart", "Darren", "Lee", "Simon", "Imran", "Asif", "Rajesh",
    "Kwabena", "Olu", "Winston", "Tomasz", "Piotr", "Fiona", "Lisa", "Karen", "Michelle",
    "Yvonne", "Dean", "Neil", "Craig",
)

# Invented Eastbrook streets. Each is given its own postcode sector by the generator.
STREETS: tuple[str, ...] = (
    "Kiln Lane", "Tanner's Row", "Millrace Close", "Heron Way", "Brookside Avenue",
    "Wharf Street", "Coldharbour Road", "Foundry Walk", "Ropewalk Terrace", "Sandpiper Drive",
    "Alder Grove", "Chapel Fold", "Weavers Court", "Lockkeeper's Way", "Cinder Hill",
    "Malthouse Lane", "Gasworks Road", "Bellfield Crescent", "Orchard Rise", "Pinfold Street",
    "Canal Side", "Quarry Bank", "Eastbrook Road", "Station Approach", "Bridgewater Street",
    "Larkspur Close", "Fernlea Avenue", "Hollins Way", "Tenter Street", "Dyehouse Lane",
    "Kestrel Court", "Willowmead", "Spinners Green", "Ironbridge Walk", "Furnace Row",
    "Marsh Lane", "Cobbler's Yard", "Ladysmith Terrace", "Prospect Hill", "Harbour View",
    "Thistle Gardens", "Sedgefield Road", "Northgate", "Southgate Parade", "Mill Pond Close",
    "Bramblewood Drive", "Bluebell Walk", "Ashcombe Street", "Tollgate Road", "Fleece Yard",
    "Longacre", "Nightingale Close", "Rookery Lane", "Whinmoor Road", "Copper Beech Court",
    "Saltings Way", "Cooperage Lane", "Packhorse Road", "Barley Mow Street", "Beacon Rise",
)

# fmt: on
