"""Small articles written for the corpus-mode tests, and helpers that lay them out as input files."""

from __future__ import annotations

import json
from pathlib import Path

ARTICLES = {
    "velo": (
        "La ville de Nantes a ouvert lundi une nouvelle piste cyclable de huit kilomètres le long de la Loire. "
        "Les travaux ont duré dix-huit mois et coûté 14 millions d'euros. La municipalité espère doubler le "
        "nombre de cyclistes d'ici à 2028.\n\nLes associations d'usagers saluent un tracé continu, sans "
        "croisement dangereux. Elles regrettent toutefois l'absence de parkings sécurisés près des gares. "
        "Le maire a promis trois cents places supplémentaires avant l'été."
    ),
    "port": (
        "Le port du Havre a enregistré en 2025 un trafic record de conteneurs, en hausse de 9 % sur un an. "
        "La direction attribue cette progression à l'ouverture de deux nouveaux quais automatisés. "
        "Les dockers ont obtenu en échange une prime annuelle et des embauches.\n\nLes élus de la région "
        "veulent désormais relier le port au réseau ferré européen. Un premier train de fret direct vers "
        "Duisbourg doit circuler au printemps."
    ),
    "orchard": (
        "Apple growers in Kent expect their smallest harvest in a decade after a late frost in April. "
        "The frost destroyed blossom on about a third of the trees in the county. Farmers say prices in "
        "shops could rise by up to twenty pence a kilo.\n\nThe growers' association has asked the government "
        "for emergency loans. A spokesman said most farms could survive one bad year but not two."
    ),
    "musee": (
        "Le musée des Beaux-Arts de Rouen rouvre ses portes samedi après deux ans de rénovation. "
        "Les salles du premier étage ont été entièrement repensées autour de la peinture impressionniste. "
        "L'entrée restera gratuite pour les moins de vingt-six ans.\n\nLa conservatrice a présenté jeudi "
        "trois toiles restaurées de Claude Monet. Elles n'avaient plus été montrées au public depuis 1998."
    ),
}

EMPTY_ID = "vide"  # a row whose text holds no words: its record carries the error


def write_jsonl(path: Path, ids: list[str] | None = None, with_empty: bool = True) -> Path:
    """A JSON lines table with fields id and article: the articles above (in order), and one empty row."""
    rows = [{"id": k, "article": ARTICLES[k]} for k in (ids or list(ARTICLES))]
    if with_empty:
        rows.insert(2, {"id": EMPTY_ID, "article": "   ...   "})
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def read_records(path: Path) -> list[dict]:
    """The records of a JSON lines output."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
