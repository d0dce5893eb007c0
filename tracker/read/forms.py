"""The usual ways news names a state or an organisation, beside its name: its
adjective ("Ukrainian negotiators"), its capital or seat ("Moscow", "the
Kremlin"), its short forms. The reader adds these to a catalog party whose
name, slug or alias is one of the names here, and uses the names to spot
parties a text names that the catalog lacks.

One entry a line: names (the first is the usual one) | adjectives | seats | kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

_TABLE = """
Afghanistan|Afghan|Kabul|state
Armenia|Armenian|Yerevan|state
Australia|Australian|Canberra|state
Austria|Austrian|Vienna|state
Azerbaijan|Azerbaijani|Baku|state
Belarus|Belarusian|Minsk|state
Belgium|Belgian||state
Brazil|Brazilian|Brasília,Brasilia|state
Bulgaria|Bulgarian|Sofia|state
Canada|Canadian|Ottawa|state
China,People's Republic of China,PRC|Chinese|Beijing|state
Colombia|Colombian|Bogotá,Bogota|state
Croatia|Croatian|Zagreb|state
Cyprus|Cypriot|Nicosia|state
Czech Republic,Czechia|Czech|Prague|state
Denmark|Danish|Copenhagen|state
Egypt|Egyptian|Cairo|state
Estonia|Estonian|Tallinn|state
Ethiopia|Ethiopian|Addis Ababa|state
Finland|Finnish|Helsinki|state
France|French|Paris,Élysée,Elysee,Élysée Palace,Quai d'Orsay|state
Georgia|Georgian|Tbilisi|state
Germany|German|Berlin|state
Greece|Greek|Athens|state
Hungary|Hungarian|Budapest|state
India|Indian|New Delhi|state
Indonesia|Indonesian|Jakarta|state
Iran|Iranian|Tehran|state
Iraq|Iraqi|Baghdad|state
Ireland|Irish|Dublin|state
Israel|Israeli|Jerusalem|state
Italy|Italian|Rome|state
Japan|Japanese|Tokyo|state
Jordan|Jordanian|Amman|state
Kazakhstan|Kazakh|Astana|state
Latvia|Latvian|Riga|state
Lebanon|Lebanese|Beirut|state
Lithuania|Lithuanian|Vilnius|state
Mexico|Mexican|Mexico City|state
Moldova|Moldovan|Chisinau,Chișinău|state
Netherlands,the Netherlands,Holland|Dutch|The Hague|state
North Korea,DPRK|North Korean|Pyongyang|state
Norway|Norwegian|Oslo|state
Pakistan|Pakistani|Islamabad|state
Poland|Polish|Warsaw|state
Portugal|Portuguese|Lisbon|state
Qatar|Qatari|Doha|state
Romania|Romanian|Bucharest|state
Russia,Russian Federation|Russian|Moscow,Kremlin|state
Saudi Arabia|Saudi|Riyadh|state
Serbia|Serbian|Belgrade|state
Slovakia|Slovak|Bratislava|state
South Africa|South African|Pretoria|state
South Korea|South Korean|Seoul|state
Soviet Union,USSR|Soviet|Moscow,Kremlin|state
Spain|Spanish|Madrid|state
Sweden|Swedish|Stockholm|state
Switzerland|Swiss|Bern|state
Syria|Syrian|Damascus|state
Turkey,Türkiye|Turkish|Ankara|state
Ukraine|Ukrainian|Kyiv,Kiev|state
United Arab Emirates,UAE|Emirati|Abu Dhabi|state
United Kingdom,UK,Britain,Great Britain|British|London,Downing Street,Whitehall|state
United States,US,U.S.,USA,United States of America,America|American|Washington,White House|state
Venezuela|Venezuelan|Caracas|state
Vietnam|Vietnamese|Hanoi|state
European Union,EU|||bloc
European Commission|||organisation
NATO,North Atlantic Treaty Organization|||organisation
United Nations,UN|||organisation
African Union|||organisation
Arab League|||organisation
ASEAN|||organisation
OPEC|||organisation
OSCE|||organisation
G7|||bloc
G20|||bloc
International Monetary Fund,IMF|||organisation
World Bank|||organisation
World Trade Organization,WTO|||organisation
Hamas|||organisation
Hezbollah|||organisation
"""


@dataclass(frozen=True, slots=True)
class Entry:
    names: tuple[str, ...]
    adjectives: tuple[str, ...]
    seats: tuple[str, ...]
    kind: str

    @property
    def name(self) -> str:
        return self.names[0]


@cache
def entries() -> tuple[Entry, ...]:
    found = []
    for line in _TABLE.strip().splitlines():
        names, adjectives, seats, kind = line.split("|")

        def split(field: str) -> tuple[str, ...]:
            return tuple(v.strip() for v in field.split(",") if v.strip())

        found.append(Entry(split(names), split(adjectives), split(seats), kind))
    return tuple(found)


def entry_for(names: tuple[str, ...]) -> Entry | None:
    """The entry one of whose names (or seats) is among `names`, compared
    case-insensitively."""
    wanted = {n.casefold() for n in names}
    for entry in entries():
        if wanted & {n.casefold() for n in entry.names}:
            return entry
    return None
