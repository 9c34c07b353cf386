#!/usr/bin/env python3
"""Lager eksempelkorpuset examples/saker/*.json: varierte saksmapper (saksmappe/1) for
README-en, testene og `norm diff`. Deterministisk: samme skript gir samme filer.

    python3 tools/lag-eksempler.py          # skriver examples/saker/
    python3 tools/lag-eksempler.py --sjekk  # feiler hvis filene ikke er oppdatert

Hver sak er en grunnsak med noen endringer; navnet og `beskrivelse` sier hva som er særlig
med den. Sakene er oppdiktet; sak_id er pseudonym.
"""
import copy, json, os, sys

ROT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
UT = os.path.join(ROT, "examples", "saker")


def oms_grunn():
    with open(os.path.join(ROT, "rules", "testsaker", "oms.json"), encoding="utf-8") as f:
        return json.load(f)


def tk_grunn():
    with open(os.path.join(ROT, "rules", "testsaker", "tk.json"), encoding="utf-8") as f:
        return json.load(f)


def tiltak(s, tid="T1"):
    return next(t for t in s["tiltak"] if t["id"] == tid)


def begrunn(s, gjelder, tekst, dato="2024-06-01"):
    s.setdefault("dokumentasjon", []).append(
        {"type": "avviksbegrunnelse", "gjelder": gjelder, "dato": dato, "tekst": tekst})


def fjern_dok(s, typ):
    s["dokumentasjon"] = [d for d in s.get("dokumentasjon", []) if d["type"] != typ]


# Hver endring tar saken og endrer den på stedet.
def e(*fns):
    def run(s):
        for f in fns:
            f(s)
    return run


SAKER = [
    ("oms-fullstendig", "OMS: alt er på plass", oms_grunn, lambda s: None),
    ("oms-spedbarn", "OMS: barn på 4 måneder", oms_grunn, lambda s: s["barn"].update(fodselsdato="2024-06-01")),
    ("oms-seks-aar", "OMS: barnet fyller 6 på vurderingsdatoen", oms_grunn,
     lambda s: s["barn"].update(fodselsdato="2018-10-01")),
    ("oms-sju-aar", "OMS gjelder ikke: barnet er 7", oms_grunn, lambda s: s["barn"].update(fodselsdato="2017-05-05")),
    ("oms-kort-varighet", "OMS: 3 måneder, ikke begrunnet", oms_grunn,
     lambda s: tiltak(s).update(planlagt_slutt="2024-08-15")),
    ("oms-kort-varighet-begrunnet", "OMS: 3 måneder, begrunnet", oms_grunn,
     e(lambda s: tiltak(s).update(planlagt_slutt="2024-08-15"),
       lambda s: begrunn(s, "OMS-VARIGHET", "Familien flytter; tiltaket overføres til ny kommune."))),
    ("oms-senter", "OMS: gis på senter, ikke begrunnet", oms_grunn, lambda s: tiltak(s).update(sted="senter")),
    ("oms-senter-begrunnet", "OMS: gis på senter, begrunnet for tiltaket", oms_grunn,
     e(lambda s: tiltak(s).update(sted="senter"), lambda s: begrunn(s, "T1", "Boforholdene gjør hjemmebesøk utrygt."))),
    ("oms-uten-video", "OMS: uten videoveiledning (vurder)", oms_grunn,
     lambda s: tiltak(s).update(tilnarminger=["sensitivitet_responsivitet", "grunnleggende_omsorg"])),
    ("oms-bare-video", "OMS: bare videoveiledning", oms_grunn, lambda s: tiltak(s).update(tilnarminger=["videoveiledning"])),
    ("oms-video-usertifisert", "OMS: video uten sertifisert veileder", oms_grunn,
     lambda s: tiltak(s).update(sertifisert_veileder=False)),
    ("oms-video-samtykke-trukket", "OMS: far har trukket samtykket", oms_grunn,
     lambda s: tiltak(s)["samtykker"][1].update(trukket="2024-09-01")),
    ("oms-barn-vil-ikke-filmes", "OMS: barnet motsetter seg filming", oms_grunn,
     lambda s: s["barn"].update(motsetter_seg_filming=True)),
    ("oms-filming-ukjent", "OMS: ukjent om barnet motsetter seg filming", oms_grunn,
     lambda s: s["barn"].pop("motsetter_seg_filming")),
    ("oms-tolk-mangler", "OMS: mor trenger tolk, møtet hadde ingen", oms_grunn,
     lambda s: s["foreldre"][0].update(tolk_behov=True)),
    ("oms-tolk-brukt", "OMS: barnet trenger tolk, og tolk ble brukt", oms_grunn,
     e(lambda s: s["barn"].update(tolk_behov=True), lambda s: s["moter"][0].update(tolk_brukt=True))),
    ("oms-ikke-motte-barnet", "OMS: barnet er ikke møtt", oms_grunn,
     e(lambda s: s["barn"].update(mote_med_barnet=False), lambda s: s["moter"][0].update(barnet_til_stede=False))),
    ("oms-uten-journal", "OMS: ingen journalnotater", oms_grunn, lambda s: s.pop("dokumentasjon")),
    ("oms-uten-identitet", "OMS: identitetshensyn ikke dokumentert", oms_grunn, lambda s: fjern_dok(s, "identitetshensyn")),
    ("oms-sen-evaluering", "OMS: første evaluering på dag 47", oms_grunn,
     lambda s: s["evalueringer"][0].update(dato="2024-07-01")),
    ("oms-evaluering-for-lenge-siden", "OMS: over tre måneder siden siste evaluering", oms_grunn,
     lambda s: s["evalueringer"].pop(1)),
    ("oms-uten-evalueringer", "OMS: ingen evalueringer registrert", oms_grunn, lambda s: s.pop("evalueringer")),
    ("oms-evaluering-uten-barnet", "OMS: evalueringsplan uten barnet, ikke begrunnet", oms_grunn,
     lambda s: s["plan"]["evaluering"].update(deltakere=["foreldre", "barnevernstjenesten"])),
    ("oms-evaluering-uten-barnet-begrunnet", "OMS: evalueringsplan uten barnet, begrunnet og orientert", oms_grunn,
     e(lambda s: s["plan"]["evaluering"].update(deltakere=["foreldre", "barnevernstjenesten"]),
       lambda s: s["dokumentasjon"].extend([
           {"type": "begrunnelse_ikke_deltakelse", "dato": "2024-05-12", "tekst": "Barnet er for lite til å delta i møtene."},
           {"type": "orientering_evaluering", "dato": "2024-06-20", "tekst": "Foreldrene er orientert om evalueringen."}]))),
    ("oms-foreldre-ukjent", "OMS: ukjent om far har fått dele synspunkter", oms_grunn,
     lambda s: s["foreldre"][1].pop("delt_synspunkter")),
    ("oms-uten-plan", "OMS: ingen tiltaksplan", oms_grunn, lambda s: s.pop("plan")),
    ("oms-alder-ukjent", "Fødselsdato mangler", oms_grunn, lambda s: s["barn"].pop("fodselsdato")),
    ("oms-to-tiltak", "OMS: omsorgsendrende tiltak og barnehage", oms_grunn,
     e(lambda s: s["tiltak"].append({"id": "T2", "type": "barnehage", "rettet_mot": "barn", "start": "2024-08-15",
                                     "planlagt_slutt": "2025-06-20", "sted": "annet", "utforer": "kommune",
                                     "samtykker": [{"fra": "F1", "dato": "2024-08-01"}, {"fra": "F2", "dato": "2024-08-01"}]}),
       lambda s: s["vedtak"].append({"id": "V2", "dato": "2024-08-10", "hjemmel": "barnevernsloven § 3-1", "tiltak": ["T2"],
                                     "begrunnelse": "Barnehage gir stabile rammer.", "palegg": False,
                                     "klageinformasjon": True}))),
    ("oms-palegg", "OMS: pålegg fra nemnda etter § 3-4, uten samtykke", oms_grunn,
     e(lambda s: s["vedtak"][0].update(palegg=True, hjemmel="bvl. § 3-4"), lambda s: tiltak(s).pop("samtykker"))),
    ("oms-feil-hjemmel", "Vedtak med paragraf, men uten lov", oms_grunn, lambda s: s["vedtak"][0].update(hjemmel="§ 3-1")),
    ("oms-mange-mal", "Fem mål i planen, ett uten indikator", oms_grunn,
     lambda s: s["plan"]["mal"].extend([{"tekst": "Mål %d" % i, "frist": "2025-01-01"} for i in range(3, 6)])),
    ("oms-for-tidlig-evaluering", "Første evaluering på dag 10", oms_grunn,
     lambda s: s["evalueringer"][0].update(dato="2024-05-25")),
    ("oms-tidlig-vurdering", "Vurdert dag 20: fristene er ikke passert", oms_grunn,
     e(lambda s: s.update(vurderingsdato="2024-06-04"), lambda s: s["evalueringer"].clear())),
    ("oms-2021", "Vurdert i 2021, før OMS og OPP trådte i kraft", oms_grunn,
     e(lambda s: s.update(vurderingsdato="2021-11-01"), lambda s: s["barn"].update(fodselsdato="2020-03-10"))),
    ("stottekontakt-15-aar", "Støttekontakt for en 15-åring uten barnets samtykke", tk_grunn,
     e(lambda s: s["barn"].update(fodselsdato="2009-06-01"),
       lambda s: tiltak(s).update(type="stottekontakt", rettet_mot="barn", utforer="kommune"))),
    ("stottekontakt-15-aar-samtykke", "Støttekontakt for en 15-åring med barnets samtykke", tk_grunn,
     e(lambda s: s["barn"].update(fodselsdato="2009-06-01"),
       lambda s: tiltak(s).update(type="stottekontakt", rettet_mot="barn", utforer="kommune"),
       lambda s: tiltak(s)["samtykker"].append({"fra": "barn", "dato": "2024-02-15"}))),
    ("mst-14-aar", "MST fra Bufetat for en 14-åring", tk_grunn, lambda s: None),
    ("mst-11-aar", "MST for en 11-åring (for ung)", tk_grunn, lambda s: s["barn"].update(fodselsdato="2013-05-01")),
    ("mst-oslo", "MST fra Bufetat i Oslo", tk_grunn, lambda s: s.update(kommune="Oslo")),
    ("fft-12-aar", "FFT for en 12-åring", tk_grunn,
     e(lambda s: s["barn"].update(fodselsdato="2012-02-01"), lambda s: tiltak(s).update(type="fft"))),
    ("pmto-5-aar-kommune", "PMTO fra kommunen for en 5-åring", tk_grunn,
     e(lambda s: s["barn"].update(fodselsdato="2019-03-01"), lambda s: tiltak(s).update(type="pmto", utforer="kommune"))),
    ("pmto-bufetat-2024", "PMTO fra Bufetat startet i 2024", tk_grunn,
     e(lambda s: s["barn"].update(fodselsdato="2016-03-01"), lambda s: tiltak(s).update(type="pmto"))),
    ("pmto-2-aar", "PMTO for en 2-åring (katalogen er selvmotsigende)", tk_grunn,
     e(lambda s: s["barn"].update(fodselsdato="2022-03-01"), lambda s: tiltak(s).update(type="pmto", utforer="kommune"))),
    ("ettervern-20-aar", "Ettervern for en 20-åring", tk_grunn,
     e(lambda s: s["barn"].update(fodselsdato="2004-01-15"), lambda s: tiltak(s).update(type="ettervern", utforer="kommune",
                                                                                      rettet_mot="barn"),
       lambda s: tiltak(s)["samtykker"].append({"fra": "barn", "dato": "2024-02-15"}))),
    ("ettervern-25-aar", "Ettervern for en 25-åring (for gammel)", tk_grunn,
     e(lambda s: s["barn"].update(fodselsdato="1999-01-15"), lambda s: tiltak(s).update(type="ettervern", utforer="kommune"))),
    ("senter-dogn", "Omsorgsendrende fra senter for foreldre og barn, som døgnopphold", oms_grunn,
     lambda s: tiltak(s).update(utforer="bufetat", sted="dogn")),
    ("uten-tiltak", "Sak uten tiltak", tk_grunn,
     e(lambda s: s.update(tiltak=[]), lambda s: s["vedtak"][0].update(tiltak=[]))),
]


def lag():
    ut = {}
    for i, (navn, beskrivelse, grunn, endring) in enumerate(SAKER, 1):
        s = copy.deepcopy(grunn())
        endring(s)
        s["sak_id"] = "EKS-%03d" % i
        s["beskrivelse"] = beskrivelse
        ut["%02d-%s.json" % (i, navn)] = json.dumps(s, ensure_ascii=False, indent=1) + "\n"
    return ut


def main():
    filer = lag()
    if "--sjekk" in sys.argv:
        gamle = {f for f in os.listdir(UT) if f.endswith(".json")}
        feil = [f for f, t in filer.items() if not os.path.exists(os.path.join(UT, f))
                or open(os.path.join(UT, f), encoding="utf-8").read() != t] + sorted(gamle - set(filer))
        if feil:
            print("examples/saker er ikke oppdatert; kjør tools/lag-eksempler.py:", *feil, sep="\n  ")
            sys.exit(1)
        return
    os.makedirs(UT, exist_ok=True)
    for f in os.listdir(UT):
        if f.endswith(".json") and f not in filer:
            os.remove(os.path.join(UT, f))
    for f, t in filer.items():
        with open(os.path.join(UT, f), "w", encoding="utf-8") as h:
            h.write(t)
    print("%d saker i examples/saker/" % len(filer))


if __name__ == "__main__":
    main()
