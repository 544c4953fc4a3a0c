"""Validates an unpacked .qdpx (project.qde and sources/) against the REFI-QDA Project schema
(test/fixtures/refi-qda/Project.xsd) with xmlschema, and prints what the project holds as JSON:
the schema errors, per text source its name, variables, codings and whether its file is there, and
the picture, audio and video sources with their codings."""

import json
import sys
from pathlib import Path

import xmlschema

root = Path(sys.argv[1])
schema = xmlschema.XMLSchema(str(Path(__file__).parent.parent / "fixtures/refi-qda/Project.xsd"))
doc = root / "project.qde"
errors = [str(e.reason) for e in schema.iter_errors(str(doc))]
NS = {"q": "urn:QDA-XML:project:1.0"}
tree = xmlschema.XMLResource(str(doc)).root
variables = {v.get("guid"): v.get("name") for v in tree.iterfind(".//q:Variables/q:Variable", NS)}
codes = {c.get("guid"): c.get("name") for c in tree.iterfind(".//q:Code", NS)}


def internal(path):
    return (root / "sources" / path.removeprefix("internal://")).is_file()


def values(el):
    return {
        variables[v.find("q:VariableRef", NS).get("targetGUID")]: v.find("q:TextValue", NS).text
        for v in el.iterfind("q:VariableValue", NS)
    }


def codings(el):
    return sorted(codes[c.get("targetGUID")] for c in el.iterfind(".//q:Coding/q:CodeRef", NS))


texts = {
    t.get("name"): {
        "variables": values(t),
        "codings": codings(t),
        "selections": len(t.findall("q:PlainTextSelection", NS)),
        "file": internal(t.get("plainTextPath")),
    }
    for t in tree.iterfind(".//q:Sources/q:TextSource", NS)
}
def media(element):
    return [
        {"name": p.get("name"), "codings": codings(p), "file": internal(p.get("path"))}
        for p in tree.iterfind(f".//q:Sources/q:{element}", NS)
    ]


pictures = media("PictureSource")
print(
    json.dumps(
        {
            "errors": errors,
            "texts": texts,
            "pictures": pictures,
            "audio": media("AudioSource"),
            "video": media("VideoSource"),
            "users": len(tree.findall(".//q:Users/q:User", NS)),
            "notes": len(tree.findall(".//q:Notes/q:Note", NS)),
            "cases": len(tree.findall(".//q:Cases/q:Case", NS)),
        }
    )
)
