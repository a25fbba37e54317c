"""Seed data for the ordnance reference library: one dict per OrdnanceModel row.

Facts are carried over from the project's domain fact sheet (section 6, "Device catalogue", and section 5.5,
"Typical devices reported" in Azerbaijan). Markers from that sheet are kept in the text: "(unverified)" = value from
general reference knowledge or a weak source, check before publishing; "(sources conflict)" = sources disagree, range
given. Where the sheet has no value the field is left blank and the notes say so.

"Seen in" uses ISO country codes: KH = Cambodia, AZ = Azerbaijan, TH = Thailand.

Generic entries (devices that are not a specific model, for reports where only the calibre or class is known) have no
sources and their notes start with GENERIC_MARKER.

Each dict's keys are OrdnanceModel field names; ``sources`` holds one URL per line, as the model expects. The data
migration 0002_seed_catalogue inserts or updates these rows by name.
"""

GENERIC_MARKER = "Generic entry"

# Sources used by more than one entry.
_WARCHILD = "http://www.warchild.org/Interactive_Galleries/Landmines/Mines1/mines1.html"
_NOLANDMINES = "http://www.nolandmines.com/Detecting%20what%20webpage.htm"
_PRAVDA = "https://pravda-it.com/world/2024/04/15/6082.html"
_AZVISION = "https://de.azvision.az/news/100022/anama--armenien-hat-sogar-auf-b%C3%A4umen-minen-gepflanzt.html"
_WEHELP = (
    "http://www.wehelpwarvictims.org/2014/02/project-sekong-2014-villagers-fear-cluster-bomblets-but-some-people-will"
    "-attempt-to-harvest-material-from-them/"
)
_VIETNAMGEAR = "http://vietnamgear.com/kit.aspx?kit=511"
_NRA_LAOS = "http://nra.gov.la/clusterbombs.html"
_POMZ = (
    "https://deminer-bg.tripod.com/pomz-2m_bg.htm",
    "https://www.phnompenhpost.com/national/battle-against-hidden-foe",
)
_APA_TRAPS = "https://en.apa.az/incident/trap-mines-found-in-azerbaijans-khojavand-photo-410093"
_KH_RETAINED = (
    "https://docslib.org/doc/6188847/convention-on-the-prohibition-of-the-use-stockpiling-production-and-transfer-of"
    "-anti-personnel-mines-and-on-their-destruction"
)
_KH_RETAINED_NOTE = (
    "Named in Cambodia's list of retained anti-personnel mines. No specifications gathered: main charge, weight, size "
    "and detectability not found in the sources."
)


def _urls(*urls: str) -> str:
    return "\n".join(urls)


def _generic(name: str, category: str, type_: str, notes: str = "", origin: str = "various") -> dict:
    text = f"{GENERIC_MARKER}, not a specific model; record the exact model when it is identified."
    return {
        "name": name,
        "category": category,
        "type": type_,
        "origin": origin,
        "main_charge": "",
        "notes": f"{text} {notes}".strip(),
        "sources": "",
    }


CATALOGUE: list[dict] = [
    # --- Anti-personnel blast mines -------------------------------------------------------------------------------
    {
        "name": "PMN",
        "category": "ap_mine",
        "type": "AP blast, pressure (8–25 kg)",
        "origin": "USSR",
        "main_charge": "~200 g TNT (older references: 240 g)",
        "notes": "Size: Ø112 × 56 mm; bakelite body with black rubber top. "
        "Metal/detectability: metal striker and spring, detectable. Seen in: KH, AZ.",
        "sources": _urls("https://artikel.siakadpt.com/ja/PMN_(%E5%9C%B0%E9%9B%B7)", _WARCHILD),
    },
    {
        "name": "PMN-2",
        "category": "ap_mine",
        "type": "AP blast, pressure; blast-resistant, arming delay",
        "origin": "USSR",
        "main_charge": "~100 g TNT/RDX",
        "notes": "Introduced mid-1970s. Weight/size: ~420 g; green (sometimes brown) plastic body, black rubber cross. "
        "Metal/detectability: low metal. Seen in: KH (K5 belt), AZ, TH border. "
        "In Cambodia often laid in groups of ~5 about 10 cm apart, sometimes upside down. "
        "Ageing: casings become brittle and the rubber plate dulls, but erosion and floods can make old mines look "
        "new (CMAA).",
        "sources": _urls(
            "http://peace.s9.xrea.com/2/mine/pmn2.htm",
            "http://8020.fr/fun/index.php?post/2014/08/09/BLAST",
            "https://cne.wtf/2022/04/25/boxed-pmn2-landmines-found-on-new-banteay-meanchey-road/",
            "https://www.nationthailand.com/blogs/news/asean/40056866",
        ),
    },
    {
        "name": "PMN-E",
        "category": "ap_mine",
        "type": "AP blast",
        "origin": "Armenia",
        "main_charge": "",
        "notes": "Production marks dated 2021. Seen in: AZ, in large numbers: 991 (another report: 1,318) in the "
        "Lachin heights, 79 in Kalbajar, 53 in Dashkasan. "
        "Main charge, weight, size and detectability not found in the sources.",
        "sources": _urls(
            "https://en.trend.az/azerbaijan/politics/3633489.html",
            "https://en.vestikavkaza.ru/news/Azerbaijani-military-neutralized-1-300-mines-laid-by-Armenian-illegal"
            "-armed-groups-in-Lachin-district.html",
        ),
    },
    {
        "name": "Type 58",
        "category": "ap_mine",
        "type": "AP blast (PMN copy, all black)",
        "origin": "China",
        "main_charge": "~240 g TNT (unverified)",
        "notes": "Size and metal/detectability as PMN. Seen in: KH.",
        "sources": _urls("https://bulletpicker.com/landmine_-apers_-type-582.html"),
    },
    {
        "name": "Type 72A",
        "category": "ap_mine",
        "type": "AP blast, pressure (5–10 kg)",
        "origin": "China (Norinco)",
        "main_charge": "51 g TNT",
        "notes": "Weight/size: 140 g; Ø78 × 38 mm; light-green plastic. "
        "Metal/detectability: minimum metal (detonator, pin, thin spring), the hardest to detect. "
        "The Type 72B variant has an electronic anti-handling device. Seen in: KH.",
        "sources": _urls("https://de.wikipedia.org/wiki/Typ_72_%28Mine%29", _NOLANDMINES),
    },
    {
        "name": "M14",
        "category": "ap_mine",
        "type": "AP blast, pressure (11.5–13.5 kg)",
        "origin": "USA",
        "main_charge": "28.4 g tetryl",
        "notes": "Introduced late 1950s. Weight/size: 99.4 g; Ø56 × 40 mm. "
        "Metal/detectability: minimum metal (steel firing pin; a steel washer is sometimes added). Seen in: KH.",
        "sources": _urls(
            "http://fr.wikipedia.org/wiki/M14_(mine_terrestre)",
            "http://dragonrising.wikia.com/wiki/M14_AP_Mine",
        ),
    },
    {
        "name": "MD-82B",
        "category": "ap_mine",
        "type": "AP blast, small cylindrical, pressure (~4 kg)",
        "origin": "Vietnam",
        "main_charge": "",
        "notes": "Metal/detectability: non-metallic plastic body. Seen in: KH (e.g. 74 found in Udong). "
        "Main charge, weight and size not found in the sources.",
        "sources": _urls(
            "https://counteriedreport.com/cambodia-deminers-remove-74-landmines-in-udong-district-kampong-speu/"
        ),
    },
    {
        "name": "PMD-6",
        "category": "ap_mine",
        "type": "AP blast in wooden box",
        "origin": "USSR",
        "main_charge": "~200 g TNT (unverified)",
        "notes": "WWII design. Metal/detectability: low metal. The wooden box rots, so the mine may self-initiate or "
        "fail. Seen in: KH. Weight and size not found in the sources.",
        "sources": _urls(_WARCHILD),
    },
    {
        "name": "GYATA-64",
        "category": "ap_mine",
        "type": "AP blast",
        "origin": "Hungary",
        "main_charge": "",
        "notes": "Metal/detectability: high metal. Seen in: KH (HALO training stock; also in Cambodia's 2017 "
        "Article 7 report, URL not recorded). Main charge, weight and size not found in the sources.",
        "sources": _urls(_NOLANDMINES),
    },
    {
        "name": "PFM-1",
        "category": "ap_mine",
        "type": 'AP blast, scatterable ("butterfly")',
        "origin": "USSR",
        "main_charge": "37 g liquid explosive",
        "notes": "Plastic body. Common elsewhere but not found reported in KH or AZ.",
        "sources": _urls(
            "https://www.komputerswiat.pl/aktualnosci/militaria/zdetonowal-rosyjska-mine-galezia-mamy-nagranie"
            "-niebezpiecznego-zachowania/psfzsf8"
        ),
    },
    # --- Anti-personnel fragmentation mines ---------------------------------------------------------------------
    {
        "name": "POMZ-2",
        "category": "ap_mine",
        "type": "AP stake fragmentation, tripwire (MUV fuze)",
        "origin": "USSR",
        "main_charge": "TNT block (~75 g, unverified)",
        "notes": "Designed 1941. Cast-iron body on a wooden stake. Metal/detectability: high metal. "
        "Seen in: KH, AZ (unverified).",
        "sources": _urls(*_POMZ),
    },
    {
        "name": "POMZ-2M",
        "category": "ap_mine",
        "type": "AP stake fragmentation, tripwire (MUV fuze)",
        "origin": "USSR",
        "main_charge": "TNT block (~75 g, unverified)",
        "notes": "Modernised POMZ-2 with a threaded fuze well. Cast-iron body on a wooden stake. "
        "Metal/detectability: high metal. Seen in: KH, AZ (unverified).",
        "sources": _urls(*_POMZ),
    },
    {
        "name": "M16",
        "category": "ap_mine",
        "type": "AP bounding fragmentation, pressure/tripwire",
        "origin": "USA",
        "main_charge": "~0.5 kg TNT (unverified)",
        "notes": "Includes the M16A1 and M16A2 variants. Weight: ~3.5 kg. Metal/detectability: high metal. "
        "Fragments 360°, lethal far beyond 25 m. Seen in: KH.",
        "sources": _urls(
            "https://vietnamwar.govt.nz/photo/engineers-m16-land-mine",
            "http://ko.wikipedia.org/wiki/M16_%EC%A7%80%EB%A2%B0",
        ),
    },
    {
        "name": "OZM-72",
        "category": "ap_mine",
        "type": "AP bounding fragmentation, tripwire or command",
        "origin": "USSR",
        "main_charge": "~660 g TNT",
        "notes": "In service c. 1973 (unverified). Jumps ~0.6–1.1 m (sources conflict); ~2,400 fragments. "
        "Metal/detectability: high metal. Seen in: AZ (Dashkasan).",
        "sources": _urls(
            "https://baonghean.vn/fr/print/10153296.html",
            "https://unn.ua/en/news/law-enforcers-discover-minefield-at-site-of-deaths-of-two-people-in-kharkiv-region",
        ),
    },
    {
        "name": "MON-50",
        "category": "ap_mine",
        "type": "AP directional fragmentation (Claymore-type), command or tripwire",
        "origin": "USSR (also made in Armenia)",
        "main_charge": "~0.7 kg (figure quoted for its Ukrainian copy VNP-50)",
        "notes": "400–550 fragments of ~1 cm; 60° arc; lethal 45–55 m. Metal/detectability: high metal. "
        "Seen in: AZ (mounted on trees, linked by tripwire), KH (training stock).",
        "sources": _urls(
            "https://1news.az/news/20251009105255983-V-KHodzhavende-naidena-opasnaya-mina-armyanskogo-proizvodstva"
            "-FOTO",
            _PRAVDA,
            "http://macsog.org/?p=736",
        ),
    },
    {
        "name": "MON-100",
        "category": "ap_mine",
        "type": "AP directional fragmentation",
        "origin": "USSR",
        "main_charge": "~2 kg (figure quoted for its Ukrainian copy)",
        "notes": "Weight: ~5 kg total; lethal 100–160 m. Metal/detectability: high metal. "
        "Seen in: AZ (mounted on trees, linked by tripwire), KH (training stock).",
        "sources": _urls(_PRAVDA, _AZVISION),
    },
    {
        "name": "M18A1 Claymore",
        "category": "ap_mine",
        "type": "AP directional fragmentation",
        "origin": "USA",
        "main_charge": "~0.68 kg C-4 (unverified)",
        "notes": "Weight: 1.6 kg; lethal ~50 m, hazard to 250 m. Metal/detectability: high metal. Seen in: KH.",
        "sources": _urls(
            "http://m.timesofindia.com/city/kozhikode/an-explosive-with-global-footprint/articleshow/62389830.cms"
        ),
    },
    {
        "name": "Type 66",
        "category": "ap_mine",
        "type": "AP directional fragmentation (Claymore copy)",
        "origin": "China",
        "main_charge": "0.682 kg",
        "notes": "Weight: 1.58 kg; 800 steel balls. Metal/detectability: high metal. Seen in: KH (unverified).",
        "sources": _urls("http://seesaawiki.jp/w/namacha2/dp/%c3%cf%cd%eb%a1%ca%c3%e6%b9%f1%a1%cb"),
    },
    # --- Models named in Cambodia's retained-mine list, no specifications gathered -------------------------------
    {
        "name": "MAI-75",
        "category": "ap_mine",
        "type": "AP mine",
        "origin": "Romania",
        "main_charge": "",
        "notes": _KH_RETAINED_NOTE,
        "sources": _urls(_KH_RETAINED),
    },
    {
        "name": "MBV-78A1",
        "category": "ap_mine",
        "type": "AP mine",
        "origin": "Vietnam",
        "main_charge": "",
        "notes": _KH_RETAINED_NOTE,
        "sources": _urls(_KH_RETAINED),
    },
    {
        "name": "MBV-78A2",
        "category": "ap_mine",
        "type": "AP mine",
        "origin": "Vietnam",
        "main_charge": "",
        "notes": _KH_RETAINED_NOTE,
        "sources": _urls(_KH_RETAINED),
    },
    {
        "name": "MN-79",
        "category": "ap_mine",
        "type": "AP mine",
        "origin": "Vietnam",
        "main_charge": "",
        "notes": _KH_RETAINED_NOTE,
        "sources": _urls(_KH_RETAINED),
    },
    {
        "name": "NOMZ-2B",
        "category": "ap_mine",
        "type": "AP mine",
        "origin": "Vietnam",
        "main_charge": "",
        "notes": _KH_RETAINED_NOTE,
        "sources": _urls(_KH_RETAINED),
    },
    {
        "name": "OZM series (other)",
        "category": "ap_mine",
        "type": "AP mine",
        "origin": "",
        "main_charge": "",
        "notes": "OZM models other than OZM-72 (which has its own entry). " + _KH_RETAINED_NOTE,
        "sources": _urls(_KH_RETAINED),
    },
    # --- Anti-tank mines ----------------------------------------------------------------------------------------
    {
        "name": "TM-62M",
        "category": "at_mine",
        "type": "AT blast, pressure 200–500 kg (MVP-62 fuze)",
        "origin": "USSR",
        "main_charge": "~7–7.5 kg (figure quoted for a TM-62P copy)",
        "notes": "Weight: ~9.5–10 kg (figure quoted for a TM-62P copy). "
        "Metal/detectability: metal case (M = metal); the plastic TM-62P variant is hard to detect. "
        "Seen in: AZ, KH.",
        "sources": _urls(
            "https://radiosvoboda.org/amp/video-skhemy-protytankiva-miny/32842860.html",
            _PRAVDA,
            "https://en.trend.az/azerbaijan/politics/3654124.html",
        ),
    },
    # --- Cluster munitions and submunitions ---------------------------------------------------------------------
    {
        "name": "BLU-26",
        "category": "submunition",
        "type": 'Submunition, AP/fragmentation ("bombie"), from CBU-24/49; 670 per dispenser',
        "origin": "USA",
        "main_charge": "~85 g Comp B (unverified)",
        "notes": "Size: tennis-ball size; ~300 steel balls. Metal/detectability: high metal. "
        "Seen in: KH (east/north-east), Laos. "
        "Reported dud rates for submunitions: 2–40% in general, ~30% in Laos.",
        "sources": _urls(_VIETNAMGEAR, _WEHELP, _NRA_LAOS),
    },
    {
        "name": "BLU-24",
        "category": "submunition",
        "type": "Submunition (orange, finned)",
        "origin": "USA",
        "main_charge": "",
        "notes": "Metal/detectability: high metal. Seen in: KH/Laos. "
        "Main charge, weight and size not found in the sources.",
        "sources": _urls(_WEHELP, _NRA_LAOS),
    },
    {
        "name": "M77 / M42 DPICM",
        "category": "submunition",
        "type": "Submunition (dual-purpose, shaped charge)",
        "origin": "USA",
        "main_charge": "",
        "notes": "644 M77 per M26 rocket. Metal/detectability: high metal. "
        "Source example is from Lebanon; relevance to KH/AZ not confirmed.",
        "sources": _urls("http://courseweb.stthomas.edu/vowiebe/cluster/MAG%20UXO%20Garden.html"),
    },
    {
        "name": "9M525 / 9M55K Smerch cassette",
        "category": "submunition",
        "type": "Cluster rocket with fragmentation submunitions",
        "origin": "USSR/Russia",
        "main_charge": "",
        "notes": "300 mm rocket, ~800 kg. Seen in: AZ (Goranboy, October 2020).",
        "sources": _urls(
            "https://news.az/news/azerbaijan-finds-shells-from-armenian-fired-prohibited-weaponsspan-classred"
            "-highlight-photospan",
            "https://www.controlciudadano.org/noticias/fanb-probo-lanzacohetes-ruso-que-usa-municiones-de-racimo",
        ),
    },
    # --- Booby traps and IEDs -----------------------------------------------------------------------------------
    {
        "name": "Booby trap (PG-7L warhead)",
        "category": "booby_trap",
        "type": "Improvised: PG-7L warhead with cartridges",
        "origin": "Armenia/local",
        "main_charge": "varies",
        "notes": "Seen in: AZ.",
        "sources": _urls(_APA_TRAPS),
    },
    {
        "name": "Booby trap (grenade-based)",
        "category": "booby_trap",
        "type": "Improvised, grenade-based",
        "origin": "Armenia/local",
        "main_charge": "varies",
        "notes": "Seen in: AZ (including hand-made F-1 grenades in abandoned houses).",
        "sources": _urls(_APA_TRAPS),
    },
    {
        "name": "IED (artillery shell)",
        "category": "ied",
        "type": "Improvised, made from artillery shells",
        "origin": "Armenia/local",
        "main_charge": "varies",
        "notes": "Seen in: AZ (found in depots).",
        "sources": _urls(_APA_TRAPS),
    },
    # --- Generic entries (not specific models) ------------------------------------------------------------------
    _generic("Mortar bomb 82 mm", "uxo", "Mortar bomb, 82 mm calibre"),
    _generic("Artillery projectile 105 mm", "uxo", "Artillery projectile, 105 mm calibre"),
    _generic(
        "Hand grenade F-1",
        "uxo",
        "Fragmentation hand grenade",
        notes="Soviet design, widely copied (unverified).",
    ),
    _generic(
        "MK-82 aircraft bomb",
        "uxo",
        "Aircraft bomb, general purpose",
        notes="US design, 500 lb class (unverified).",
    ),
    _generic("Unidentified AP mine", "ap_mine", "AP mine, model not identified"),
    _generic("Unidentified AT mine", "at_mine", "AT mine, model not identified"),
    _generic("Unidentified submunition", "submunition", "Submunition, model not identified"),
    _generic("Unidentified UXO", "uxo", "Unexploded ordnance, type not identified"),
]

CATALOGUE_NAMES: list[str] = [entry["name"] for entry in CATALOGUE]
GENERIC_NAMES: list[str] = [entry["name"] for entry in CATALOGUE if entry["notes"].startswith(GENERIC_MARKER)]

# --- Structured fields (issue 21) -------------------------------------------------------------------------------
# The same fact sheet's values as fields: sizes in mm, weights in grams, codes of the model's choices. Only what the
# sheet states; where it gives "~" or a range the lower figure is kept here and the words above (main_charge, notes)
# carry the range and the "(unverified)" markers. detectable_by: the metal detector where the sheet says high or low
# metal or "detectable"; dogs and rats (mdd, mdr) for every entry with an explosive fill named. Migration
# 0005_structured_catalogue fills these where a row's field is still blank, and links SIMILAR.

_SMELL = ["mdd", "mdr"]
_METAL = ["detector", "mdd", "mdr"]

STRUCTURED: dict[str, dict] = {
    "PMN": {
        "diameter_mm": 112, "height_mm": 56, "fill": "TNT", "fill_mass_g": 200, "detectable_by": _METAL,
        "actuation": ["pressure"], "actuation_force": "8–25 kg",
        "colour_markings": "Bakelite body with a black rubber top.",
        "features": "Metal striker and spring (detectable).",
    },
    "PMN-2": {
        "weight_g": 420, "fill": "TNT/RDX", "fill_mass_g": 100, "metal_content": "low", "detectable_by": _METAL,
        "actuation": ["pressure"],
        "colour_markings": "Green (sometimes brown) plastic body, black rubber cross on top.",
        "features": "Blast-resistant; arming delay. Ageing: casings become brittle and the rubber plate dulls, but "
        "erosion and floods can make old mines look new.",
        "deminer_hazards": "Often laid in groups of about 5, about 10 cm apart, sometimes upside down.",
    },
    "Type 58": {
        "diameter_mm": 112, "height_mm": 56, "fill": "TNT", "fill_mass_g": 240, "detectable_by": _METAL,
        "colour_markings": "All black.", "features": "Copy of the PMN; size and metal content as the PMN.",
    },
    "Type 72A": {
        "weight_g": 140, "diameter_mm": 78, "height_mm": 38, "fill": "TNT", "fill_mass_g": 51,
        "metal_content": "minimum", "detectable_by": _SMELL, "actuation": ["pressure"], "actuation_force": "5–10 kg",
        "colour_markings": "Light-green plastic.",
        "features": "Minimum metal (detonator, pin, thin spring): the hardest to detect.",
        "deminer_hazards": "The Type 72B variant has an electronic anti-handling device.",
    },
    "M14": {
        "weight_g": 99, "diameter_mm": 56, "height_mm": 40, "fill": "Tetryl", "fill_mass_g": 28,
        "metal_content": "minimum", "detectable_by": _SMELL, "actuation": ["pressure"],
        "actuation_force": "11.5–13.5 kg", "features": "Steel firing pin; a steel washer is sometimes added.",
    },
    "MD-82B": {
        "actuation": ["pressure"], "actuation_force": "~4 kg",
        "features": "Small, cylindrical, non-metallic plastic body.",
    },
    "PMD-6": {
        "fill": "TNT", "fill_mass_g": 200, "metal_content": "low", "detectable_by": _METAL,
        "features": "Wooden box.",
        "deminer_hazards": "The wooden box rots: the mine may self-initiate or fail.",
    },
    "GYATA-64": {"metal_content": "high", "detectable_by": ["detector"]},
    "PFM-1": {
        "fill": "Liquid explosive", "fill_mass_g": 37, "detectable_by": _SMELL,
        "features": 'Plastic body; scatterable ("butterfly").',
    },
    "POMZ-2": {
        "fill": "TNT", "fill_mass_g": 75, "metal_content": "high", "detectable_by": _METAL, "fuze": "MUV",
        "actuation": ["tripwire"], "features": "Cast-iron body on a wooden stake.",
    },
    "POMZ-2M": {
        "fill": "TNT", "fill_mass_g": 75, "metal_content": "high", "detectable_by": _METAL, "fuze": "MUV",
        "actuation": ["tripwire"], "features": "Cast-iron body on a wooden stake; threaded fuze well.",
    },
    "M16": {
        "weight_g": 3500, "fill": "TNT", "fill_mass_g": 500, "metal_content": "high", "detectable_by": _METAL,
        "actuation": ["pressure", "tripwire"], "features": "Bounding fragmentation mine (M16A1, M16A2 variants).",
        "deminer_hazards": "Fragments 360°, lethal far beyond 25 m.",
    },
    "OZM-72": {
        "fill": "TNT", "fill_mass_g": 660, "metal_content": "high", "detectable_by": _METAL,
        "actuation": ["tripwire", "command"],
        "deminer_hazards": "Bounds ~0.6–1.1 m (sources conflict) before it bursts; ~2,400 fragments.",
    },
    "MON-50": {
        "fill_mass_g": 700, "metal_content": "high", "detectable_by": ["detector"],
        "actuation": ["command", "tripwire"], "features": "Directional (Claymore-type).",
        "deminer_hazards": "400–550 fragments of ~1 cm in a 60° arc; lethal 45–55 m. May be mounted on trees and "
        "linked by tripwire.",
    },
    "MON-100": {
        "weight_g": 5000, "fill_mass_g": 2000, "metal_content": "high", "detectable_by": ["detector"],
        "actuation": ["tripwire"], "features": "Directional fragmentation.",
        "deminer_hazards": "Lethal 100–160 m. May be mounted on trees and linked by tripwire.",
    },
    "M18A1 Claymore": {
        "weight_g": 1600, "fill": "C-4", "fill_mass_g": 680, "metal_content": "high", "detectable_by": _METAL,
        "features": "Directional fragmentation.", "deminer_hazards": "Lethal ~50 m, hazard to 250 m.",
    },
    "Type 66": {
        "weight_g": 1580, "fill_mass_g": 682, "metal_content": "high", "detectable_by": ["detector"],
        "features": "Directional (Claymore copy); 800 steel balls.",
    },
    "TM-62M": {
        "weight_g": 9500, "fill_mass_g": 7000, "metal_content": "high", "detectable_by": ["detector"],
        "fuze": "MVP-62", "actuation": ["pressure"], "actuation_force": "200–500 kg",
        "features": "Metal case (M = metal); the plastic TM-62P variant is hard to detect.",
    },
    "BLU-26": {
        "fill": "Comp B", "fill_mass_g": 85, "metal_content": "high", "detectable_by": _METAL,
        "features": 'Tennis-ball size ("bombie"); ~300 steel balls.',
    },
    "BLU-24": {"metal_content": "high", "detectable_by": ["detector"], "colour_markings": "Orange, finned."},
    "M77 / M42 DPICM": {
        "metal_content": "high", "detectable_by": ["detector"], "features": "Dual-purpose, shaped charge.",
    },
    "9M525 / 9M55K Smerch cassette": {"diameter_mm": 300, "weight_g": 800_000},
}  # fmt: skip

#: Pairs of models easily taken for each other (copies, a family): similar_models links both ways.
SIMILAR: list[tuple[str, str]] = [
    ("PMN", "Type 58"),
    ("POMZ-2", "POMZ-2M"),
    ("MON-50", "MON-100"),
    ("M18A1 Claymore", "Type 66"),
    ("MON-50", "M18A1 Claymore"),
]
