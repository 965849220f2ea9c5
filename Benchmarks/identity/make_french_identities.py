#!/usr/bin/env python3
"""Synthetic French identity records with ground truth, for `passerelle match` (standard library only).

Every identity is invented from the small lists in french_names.py. The set is built to exercise the
French identity rules (DOMAIN.md §8): households whose members share family name, address and phone
(spouses, parent and child, twins), homonyms born the same day elsewhere, married names (nom utilisé,
"épouse"/"née" in the family-name field), compound given names, accents, mojibake (UTF-8 read as
Latin-1), typos, day/month swaps, placeholder dates (R4), and INS traps: a child carrying a parent's
INS (R7), invalid keys (R6), the insured person's NSS under the NSS OID, fictitious identities (R11).

Writes to OUT_DIR:
  records.csv                    the documented identity CSV (rec_id, source, local_id, ins, ins_oid,
                                 birth_family_name, used_family_name, given_names, birth_date, sex,
                                 birthplace_code, address, postcode, city, phone, status, attributes)
  truth/pairs.csv                rec_id_1,rec_id_2 for every pair of records of one person
  truth/records_person.csv       rec_id,person_id
  truth/trap_pairs.csv           rec_id_1,rec_id_2,kind: pairs that must never link (twins, parent_child,
                                 spouses, homonyms, ins_trap, fictitious)
  summary.json                   counts per case

Usage: python3 make_french_identities.py --persons 3000 --out DIR [--seed 7]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import unicodedata
from collections import Counter
from pathlib import Path

from french_names import COMMUNES, FAMILY_NAMES, FEMALE_NAMES, FOREIGN_BIRTHPLACES, MALE_NAMES, SOURCES, STREETS

OID_PROD, OID_TEST, OID_NSS = "1.2.250.1.213.1.4.8", "1.2.250.1.213.1.4.10", "1.2.250.1.213.1.4.13"


def nir_key(matricule: str) -> str:
    digits = matricule.replace("2A", "19").replace("2B", "18") if matricule[5:7] in ("2A", "2B") else matricule
    return f"{97 - int(digits) % 97:02d}"


def make_nir(sex: str, dob: tuple, birthplace: str, order: int) -> str:
    if birthplace.startswith("99"):
        dept, commune = "99", birthplace[2:]
    elif birthplace.startswith("97"):
        dept, commune = birthplace[:3], birthplace[3:]
    else:
        dept, commune = birthplace[:2], birthplace[2:]
    matricule = ("1" if sex == "M" else "2") + f"{dob[0] % 100:02d}{dob[1]:02d}" + dept + commune + f"{order % 1000:03d}"
    return matricule + nir_key(matricule)


class Gen:
    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.persons: list[dict] = []
        self.traps: list[tuple[int, int, str]] = []
        self.counts = Counter()
        self.order = 0
        self.ipp = 0
        self.traps_records: list[tuple[str, str, str]] = []

    # ----- persons -------------------------------------------------------------------------
    def weighted(self, items):
        return items[min(len(items) - 1, int(self.r.expovariate(1 / (len(items) / 4))))]

    def given(self, sex: str) -> list[str]:
        pool = MALE_NAMES if sex == "M" else FEMALE_NAMES
        count = self.r.choices([1, 2, 3], [0.35, 0.45, 0.2])[0]
        names = [self.weighted(pool)]
        while len(names) < count:
            name = self.r.choice(pool)
            if name not in names:
                names.append(name)
        return names

    def dob(self, year_from: int, year_to: int) -> tuple:
        return (self.r.randint(year_from, year_to), self.r.randint(1, 12), self.r.randint(1, 28))

    def household(self, family: str) -> dict:
        code, postcode, city = self.r.choice(COMMUNES)
        return {"family": family, "address": f"{self.r.randint(1, 120)} {self.r.choice(STREETS)}",
                "postcode": postcode, "city": city, "phone": "0" + str(self.r.randint(100000000, 799999999))}

    def birthplace(self) -> str:
        return self.r.choice(FOREIGN_BIRTHPLACES) if self.r.random() < 0.08 else self.r.choice(COMMUNES)[0]

    def person(self, sex, birth_name, given, dob, place, home, used=None) -> int:
        self.order += 1
        pid = len(self.persons)
        self.persons.append({"pid": pid, "sex": sex, "birth": birth_name, "used": used, "given": given, "dob": dob,
                             "place": place, "home": home, "ins": make_nir(sex, dob, place, self.order)})
        return pid

    def build(self, target: int) -> None:
        while len(self.persons) < target:
            kind = self.r.random()
            family = self.weighted(FAMILY_NAMES)
            home = self.household(family)
            if kind < 0.35:
                sex = self.r.choice("MF")
                self.person(sex, family, self.given(sex), self.dob(1930, 2005), self.birthplace(), home)
                continue
            husband = self.person("M", family, self.given("M"), self.dob(1940, 1990), self.birthplace(), home)
            wife_birth = self.weighted(FAMILY_NAMES)
            hy = self.persons[husband]["dob"][0]
            wife = self.person("F", wife_birth, self.given("F"), self.dob(hy - 4, hy + 4), self.birthplace(), home,
                               used=family if self.r.random() < 0.7 else None)
            self.traps.append((husband, wife, "spouses"))
            if kind < 0.6:
                continue
            base = max(self.persons[husband]["dob"][0], self.persons[wife]["dob"][0])
            children = []
            for _ in range(self.r.choice([1, 1, 2, 3])):
                sex = self.r.choice("MF")
                given = self.given(sex)
                parent = husband if sex == "M" else wife
                if self.r.random() < 0.25:  # junior: same first given name as the parent
                    given = [self.persons[parent]["given"][0]] + given[1:]
                    self.counts["junior_children"] += 1
                child = self.person(sex, family, given, self.dob(base + 20, min(base + 40, 2023)), self.birthplace(), home)
                children.append(child)
                self.traps.append((parent, child, "parent_child"))
            if self.r.random() < 0.25:  # twins of the first child
                first = self.persons[children[0]]
                sex = first["sex"] if self.r.random() < 0.6 else ("F" if first["sex"] == "M" else "M")
                given = self.given(sex)
                while given[0] == first["given"][0]:
                    given = self.given(sex)
                if self.r.random() < 0.3 and "-" in first["given"][0]:  # MARIE-ANNE / MARIE-LOUISE
                    given = [first["given"][0].split("-")[0] + "-" + self.r.choice(FEMALE_NAMES + MALE_NAMES).split("-")[0]]
                twin = self.person(sex, family, given, first["dob"], first["place"], home)
                self.traps.append((children[0], twin, "twins"))
        for pid in range(len(self.persons) // 50):  # homonyms born the same day elsewhere
            src = self.persons[self.r.randrange(len(self.persons))]
            other = self.person(src["sex"], src["birth"], list(src["given"]), src["dob"], self.birthplace(),
                                self.household(src["birth"]))
            self.traps.append((src["pid"], other, "homonyms"))

    # ----- records -------------------------------------------------------------------------
    def typo(self, text: str) -> str:
        letters = [i for i, c in enumerate(text) if c.isalpha()]
        if len(letters) < 3:
            return text
        i = self.r.choice(letters[1:])
        op = self.r.random()
        if op < 0.4:
            return text[:i] + self.r.choice("AEIOURSTNLM") + text[i + 1:]
        if op < 0.7:
            return text[:i] + text[i + 1:]
        j = i - 1
        return text[:j] + text[i] + text[j] + text[i + 1:]

    def phonetic(self, text: str) -> str:
        for a, b in (("PH", "F"), ("AU", "O"), ("Y", "I"), ("C", "K"), ("LL", "L"), ("T", "D"), ("EAU", "O")):
            if a in text.upper():
                return text.upper().replace(a, b, 1)
        return text

    def style(self, text: str, case_ok=True) -> str:
        roll = self.r.random()
        if roll < 0.3:
            text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
            text = text.replace("Œ", "OE").replace("œ", "oe")
        if case_ok and self.r.random() < 0.6:
            text = text.upper()
        elif case_ok:
            text = text.title()
        return text

    def mojibake(self, text: str) -> str:
        return text.encode("utf-8").decode("latin-1")

    def date_text(self, dob: tuple) -> str:
        y, m, d = dob
        roll = self.r.random()
        if roll < 0.04 and d <= 12 and d != m:
            m, d = d, m
            self.counts["day_month_swaps"] += 1
        elif roll < 0.08:
            pos = self.r.choice([2, 3, 6, 7])
            s = list(f"{y:04d}{m:02d}{d:02d}")
            s[pos] = str((int(s[pos]) + self.r.randint(1, 8)) % 10)
            y, m, d = int("".join(s[:4])), int("".join(s[4:6])), int("".join(s[6:]))
            if not (1 <= m <= 12 and 1 <= d <= 28):
                y, m, d = dob
            else:
                self.counts["date_typos"] += 1
        elif roll < 0.10:
            self.counts["partial_dates"] += 1
            return self.r.choice([f"00/{m:02d}/{y}", f"01/01/{y}", f"{y}"])
        fmt = self.r.choice(["dmy", "iso", "compact"])
        return {"dmy": f"{d:02d}/{m:02d}/{y}", "iso": f"{y}-{m:02d}-{d:02d}", "compact": f"{y}{m:02d}{d:02d}"}[fmt]

    def record(self, p: dict, n: int, rec_id: str, source: str) -> dict:
        r = self.r
        birth, used = p["birth"], p["used"]
        self.ipp += 1
        row = {"rec_id": rec_id, "source": source, "local_id": f"IPP{self.ipp:07d}", "ins": "", "ins_oid": "",
               "birth_family_name": "", "used_family_name": "", "given_names": "", "birth_date": "", "sex": "",
               "birthplace_code": "", "address": "", "postcode": "", "city": "", "phone": "", "status": "PROV",
               "attributes": ""}
        if used and r.random() < 0.2:
            row["birth_family_name"] = self.style(f"{birth} épouse {used}") if r.random() < 0.5 else self.style(f"{used} née {birth}")
            self.counts["marriage_patterns"] += 1
        else:
            row["birth_family_name"] = self.style(birth)
            if used and r.random() < 0.8:
                row["used_family_name"] = self.style(used)
        given = list(p["given"])
        if n > 0 and r.random() < 0.4:
            given = given[:1]
        text = " ".join(given)
        if r.random() < 0.15:
            text = text.replace("-", " ")
        row["given_names"] = self.style(text)
        if n > 0:
            roll = r.random()
            field = "birth_family_name" if r.random() < 0.6 else "given_names"
            if roll < 0.08:
                row[field] = self.typo(row[field])
                self.counts["name_typos"] += 1
            elif roll < 0.11:
                row[field] = self.phonetic(row[field])
                self.counts["phonetic_variants"] += 1
            elif roll < 0.16:
                row[field] = self.mojibake(row[field])
                self.counts["mojibake"] += 1
        row["birth_date"] = self.date_text(p["dob"]) if n == 0 or r.random() < 0.98 else ""
        row["sex"] = p["sex"] if r.random() < 0.95 else ""
        row["birthplace_code"] = p["place"] if r.random() < 0.7 else ""
        home = p["home"]
        roll = r.random()
        if roll < 0.75:
            street = home["address"].replace("avenue", "av.") if r.random() < 0.2 else home["address"]
            row.update(address=self.style(street), postcode=home["postcode"], city=self.style(home["city"]))
        elif roll < 0.9:
            moved = self.household(birth)
            row.update(address=moved["address"], postcode=moved["postcode"], city=moved["city"])
            self.counts["moved"] += 1
        row["phone"] = home["phone"] if r.random() < 0.5 else ""
        if r.random() < 0.4:
            row["ins"], row["ins_oid"] = p["ins"], r.choice([OID_TEST, OID_PROD])
            row["status"] = r.choice(["QUAL", "QUAL", "RECUP", "VALI"])
        return row

    def records(self) -> tuple[list[dict], dict[str, int]]:
        rows, person_of = [], {}
        parents = {child: parent for parent, child, kind in self.traps if kind == "parent_child"}
        for p in self.persons:
            count = self.r.choices([1, 2, 3, 4], [0.45, 0.3, 0.15, 0.1])[0]
            sources = self.r.sample(SOURCES, count)
            for n, source in enumerate(sources):
                rec_id = f"fr-{p['pid']}-{n}"
                row = self.record(p, n, rec_id, source)
                roll = self.r.random()
                if p["pid"] in parents and roll < 0.08:  # the parent's INS on the child's record (R7)
                    row["ins"], row["ins_oid"], row["status"] = self.persons[parents[p["pid"]]]["ins"], OID_TEST, "PROV"
                    self.counts["ins_parent_on_child"] += 1
                elif p["pid"] in parents and roll < 0.12:  # the insured parent's NSS, not an INS (R6)
                    row["ins"], row["ins_oid"] = self.persons[parents[p["pid"]]]["ins"], OID_NSS
                    self.counts["nss_of_parent"] += 1
                elif row["ins"] and roll < 0.15:  # a key typo: invalid INS, to be ignored (R6)
                    row["ins"] = row["ins"][:-2] + f"{(int(row['ins'][-2:]) + 1) % 97:02d}"
                    self.counts["invalid_ins_keys"] += 1
                rows.append(row)
                person_of[rec_id] = p["pid"]
        for i in range(len(self.persons) // 200):  # fictitious copies: never the same person (R11)
            src = self.r.choice(rows)
            fake = dict(src, rec_id=f"fict-{i}", source="TEST-PLATFORM", local_id=f"T{i}", attributes="FICT",
                        ins="", ins_oid="", status="PROV")
            rows.append(fake)
            person_of[fake["rec_id"]] = f"fict-{i}"
            self.traps_records.append((src["rec_id"], fake["rec_id"], "fictitious"))
        self.r.shuffle(rows)
        return rows, person_of


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--persons", type=int, default=3000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    gen = Gen(args.seed)
    gen.build(args.persons)
    rows, person_of = gen.records()
    out = Path(args.out)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    with open(out / "records.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    by_person: dict = {}
    for rec, pid in person_of.items():
        by_person.setdefault(pid, []).append(rec)
    pairs = sorted((min(a, b), max(a, b)) for recs in by_person.values() for i, a in enumerate(recs) for b in recs[i + 1:])
    with open(out / "truth" / "pairs.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["rec_id_1", "rec_id_2"])
        w.writerows(pairs)
    with open(out / "truth" / "records_person.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["rec_id", "person_id"])
        w.writerows(sorted(person_of.items()))
    trap_rows = []
    for a, b, kind in gen.traps:
        for ra in by_person.get(a, []):
            for rb in by_person.get(b, []):
                trap_rows.append((ra, rb, kind))
    trap_rows += gen.traps_records
    with open(out / "truth" / "trap_pairs.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["rec_id_1", "rec_id_2", "kind"])
        w.writerows(trap_rows)
    summary = {"persons": len(by_person), "records": len(rows), "true_pairs": len(pairs),
               "trap_pairs": dict(Counter(k for _, _, k in trap_rows)), **gen.counts}
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
