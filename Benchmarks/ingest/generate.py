#!/usr/bin/env python3
"""Synthetic hospital archive for the ingest benchmark.

Writes N documents: CDA R2 documents of realistic size (~20 KB of narrative in several sections;
about 10 % are level-1 documents carrying a base64 PDF), and a share of rows in LGC flat exports
(';'-separated, Windows-1252, CRLF, read with Fixtures/profiles/lgc-semicolon-cp1252.json).
Patients: a few thousand, seen by three facilities (one IPP each), with identity noise between
documents (dropped accents, a typo in the given name, used name instead of birth name, missing
INS). Every identity is fictitious. Deterministic for a given --seed.

Usage: generate.py --documents 10000 --out /tmp/bench-10k [--patients 3000] [--zip archive.zip]
"""
import argparse
import base64
import os
import random
import unicodedata
import zipfile

FAMILIES = ["MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY", "MOREAU",
            "SIMON", "LAURENT", "LEFÈVRE", "MICHEL", "GARCIA", "DAVID", "BERTRAND", "ROUX", "VINCENT", "FOURNIER",
            "MOREL", "GIRARD", "ANDRÉ", "LEFEBVRE", "MERCIER", "DUPONT", "LAMBERT", "BONNET", "FRANÇOIS", "MARTINEZ"]
GIVENS_F = ["Éloïse", "Claire", "Sophie", "Julie", "Anne", "Hélène", "Camille", "Léa", "Chloé", "Manon", "Inès", "Zoé"]
GIVENS_M = ["Jean", "Paul", "Luc", "Marc", "Hugo", "Louis", "Gabriel", "Théo", "Noé", "Jérôme", "Rémi", "Yves"]
FACILITIES = ["1.2.250.1.999.10.1", "1.2.250.1.999.10.2", "1.2.250.1.999.10.3"]
WORDS = ("patient examen clinique tension artérielle traitement poursuivi bilan biologique normal contrôle "
         "dans trois mois antécédents familiaux allergie connue aucune douleur thoracique essoufflement effort "
         "auscultation cardiaque pulmonaire abdomen souple dépressible conclusion surveillance").split()


def strip_accents(text):
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def nir(rng, sex, birth):
    body = f"{1 if sex == 'M' else 2}{birth[2:4]}{birth[4:6]}{rng.randint(1, 95):02d}{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}"
    return body + f"{97 - int(body) % 97:02d}"


def make_patients(rng, count):
    patients = []
    for index in range(count):
        sex = rng.choice("MF")
        birth = f"{rng.randint(1930, 2020)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        family = rng.choice(FAMILIES)
        patients.append({
            "sex": sex, "birth": birth, "family": family,
            "used": rng.choice(FAMILIES) if sex == "F" and rng.random() < 0.3 else family,
            "given": rng.choice(GIVENS_M if sex == "M" else GIVENS_F),
            "ins": nir(rng, sex, birth) if rng.random() < 0.7 else None,
            "ipps": [f"IPP{f}{index:06d}" for f in range(len(FACILITIES))],
        })
    return patients


def noisy(rng, patient):
    family, given, ins = patient["family"], patient["given"], patient["ins"]
    roll = rng.random()
    if roll < 0.10:
        family, given = strip_accents(family), strip_accents(given)
    elif roll < 0.14 and len(given) > 3:
        i = rng.randrange(1, len(given) - 1)
        given = given[:i] + given[i + 1] + given[i] + given[i + 2:]
    if rng.random() < 0.2:
        ins = None
    return family, given, ins


def xml_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def narrative(rng, size):
    words, length = [], 0
    while length < size:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    return xml_escape(" ".join(words))


def fake_pdf(rng, size):
    body = rng.randbytes(size)
    return b"%PDF-1.4\n1 0 obj << /Length " + str(size).encode() + b" >> stream\n" + body + b"\nendstream endobj\n%%EOF\n"


def cda(rng, number, patient):
    facility = rng.randrange(len(FACILITIES))
    family, given, ins = noisy(rng, patient)
    ids = f'<id root="{FACILITIES[facility]}" extension="{patient["ipps"][facility]}"/>'
    if ins:
        ids = f'<id root="1.2.250.1.213.1.4.8" extension="{ins}"/>' + ids
    if rng.random() < 0.10:
        pdf = base64.b64encode(fake_pdf(rng, rng.randint(8000, 24000))).decode()
        body = f'<nonXMLBody><text mediaType="application/pdf" representation="B64">{pdf}</text></nonXMLBody>'
    else:
        sections = "".join(
            f"<component><section><code code=\"{code}\" codeSystem=\"2.16.840.1.113883.6.1\"/><title>Section {s}</title>"
            f"<text><paragraph>{narrative(rng, rng.randint(2500, 5500))}</paragraph></text></section></component>"
            for s, code in enumerate(["10164-2", "11348-0", "29545-1", "51848-0"]))
        body = f"<structuredBody>{sections}</structuredBody>"
    used = f'<family qualifier="SP">{xml_escape(patient["used"])}</family>' if patient["used"] != family else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <id root="1.2.250.1.999.20" extension="DOC{number:08d}"/>
  <code code="11488-4" codeSystem="2.16.840.1.113883.6.1" displayName="Compte rendu de consultation"/>
  <title>Compte rendu de consultation</title>
  <effectiveTime value="2024{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}103000+0100"/>
  <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>
  <languageCode code="fr-FR"/>
  <setId root="1.2.250.1.999.20" extension="SET{number:08d}"/>
  <versionNumber value="1"/>
  <recordTarget><patientRole>{ids}<patient>
    <name><family qualifier="BR">{xml_escape(family)}</family>{used}<given>{xml_escape(given)}</given></name>
    <administrativeGenderCode code="{patient['sex']}" codeSystem="2.16.840.1.113883.5.1"/>
    <birthTime value="{patient['birth']}"/></patient></patientRole></recordTarget>
  <author><time value="20240102"/><assignedAuthor><id root="1.2.250.1.71.4.2.1" extension="810000{number % 997:05d}"/>
    <assignedPerson><name><family>DOCTEUR</family><given>Test</given></name></assignedPerson></assignedAuthor></author>
  <custodian><assignedCustodian><representedCustodianOrganization><id root="1.2.250.1.71.4.2.2" extension="1{FACILITIES[facility][-1]}0000000"/>
    <name>Centre hospitalier {facility + 1}</name></representedCustodianOrganization></assignedCustodian></custodian>
  <component>{body}</component>
</ClinicalDocument>
""".encode("utf-8")


def lgc_export(rng, patients, rows, start):
    lines = ["NOM;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION"]
    for r in range(rows):
        p = rng.choice(patients)
        family, given, ins = noisy(rng, p)
        b = p["birth"]
        note = narrative(rng, rng.randint(300, 900)).replace(";", ",")
        lines.append(f"{p['used']};{family};{given};{b[6:8]}/{b[4:6]}/{b[0:4]};{p['sex']};{ins or ''};{p['ipps'][0]};"
                     f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2024;Consultation {start + r};\"{note}\"")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252", errors="replace")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=10000)
    parser.add_argument("--patients", type=int, default=3000)
    parser.add_argument("--lgc-share", type=float, default=0.05, help="share of documents that are LGC export rows")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--zip", help="also write the whole archive as this .zip file")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    patients = make_patients(rng, args.patients)
    lgc_rows = int(args.documents * args.lgc_share)
    cda_count = args.documents - lgc_rows
    os.makedirs(args.out, exist_ok=True)
    archive = zipfile.ZipFile(args.zip, "w", zipfile.ZIP_DEFLATED) if args.zip else None
    total_bytes = 0

    def emit(name, data):
        nonlocal total_bytes
        total_bytes += len(data)
        path = os.path.join(args.out, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
        if archive:
            archive.writestr(name, data)

    for number in range(cda_count):
        emit(f"cda/{number // 1000:03d}/doc{number:08d}.xml", cda(rng, number, rng.choice(patients)))
    done, export = 0, 0
    while done < lgc_rows:
        rows = min(200, lgc_rows - done)
        emit(f"lgc/export{export:04d}.csv", lgc_export(rng, patients, rows, done))
        done += rows
        export += 1
    if archive:
        archive.close()
    print(f"{cda_count} CDA documents + {lgc_rows} LGC rows in {export} exports, {total_bytes / 1e6:.1f} MB, "
          f"{args.patients} patients -> {args.out}" + (f" and {args.zip}" if args.zip else ""))


if __name__ == "__main__":
    main()
