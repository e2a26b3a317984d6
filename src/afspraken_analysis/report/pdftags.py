"""Two gaps in WeasyPrint's PDF tags, closed in the PDF it has built, before it is written.

WeasyPrint (70) calls a `finisher` with its pydyf PDF after tagging; `finish` is that finisher.

1. Page furniture. The page margin boxes (running title, page number, the fictitious-data marking)
   are drawn as marked content with an MCID whose structure element sits in the parent tree but
   is nobody's kid (weasyprint/pdf/tags.py, "could be included in tree as Artifact, but that's
   only allowed in PDF 2.0"): neither content a reader reaches in the structure nor an artifact.
   PDF/UA-1 asks running headers and footers to be artifacts; marked content /Artifact in the
   content stream is PDF 1.7 (WeasyPrint marks backgrounds and borders so). Here their marked
   content becomes `/Artifact <</Type /Pagination>> BDC` and their parent-tree entries null.
2. Table header cells. WeasyPrint links each data cell to its header cells by /Headers and the
   headers' /ID, but gives a TH no /Scope and the tree no /IDTree (which ISO 32000-1 14.7.2
   requires once elements have IDs). Here each TH gets /Scope: /Row when a data cell of its own
   row names it (WeasyPrint's reading of scope="row"), else /Column; the root gets the /IDTree.

Both work on the objects of the structure tree only, so the rest of the PDF (PDF/A-2a
identification, fonts, images) is untouched, and equal inputs still give equal bytes.
"""

from __future__ import annotations

ARTIFACT = "/Artifact"
NULL = b"null"


def finish(document, pdf) -> None:
    """The WeasyPrint finisher: furniture as artifacts, TH scopes, the ID tree."""
    if "StructTreeRoot" not in pdf.catalog:
        return  # an untagged PDF
    root = _object(pdf, pdf.catalog["StructTreeRoot"])
    elements = _reachable(pdf, root)
    furniture_as_artifacts(pdf, root, set(elements))
    scope_header_cells(pdf, elements)
    add_id_tree(pdf, root, elements)


def _object(pdf, reference: bytes):
    return pdf.objects[int(reference.split()[0])]


def _element_kids(pdf, element) -> list:
    """The structure elements among an element's kids (not MCIDs, not annotation references)."""
    kids = [_object(pdf, k) for k in element.get("K", ()) if isinstance(k, bytes)]
    return [k for k in kids if isinstance(k, dict) and k.get("Type") == "/StructElem"]


def _reachable(pdf, root) -> dict:
    """Every structure element reached from the root, by object number, in reading order."""
    found, todo = {}, _element_kids(pdf, root)
    while todo:
        element = todo.pop(0)
        if element.number not in found:
            found[element.number] = element
            todo[:0] = _element_kids(pdf, element)
    return found


def furniture_as_artifacts(pdf, root, reachable: set[int]) -> None:
    """Marked content whose structure element is outside the tree becomes a pagination artifact."""
    import pydyf

    parent_tree = _object(pdf, root["ParentTree"])["Nums"]
    per_page = dict(zip(parent_tree[::2], parent_tree[1::2], strict=True))
    for reference in pdf.page_references:
        page = _object(pdf, reference)
        by_mcid = per_page[page["StructParents"]]  # index = MCID (WeasyPrint numbers them 0..n-1)
        outside = {
            mcid
            for mcid, ref in enumerate(by_mcid)
            if ref != NULL and int(ref.split()[0]) not in reachable
        }
        ops = _object(pdf, page["Contents"]).stream
        for i in range(1, len(ops) - 1):
            item = ops[i]
            marked = isinstance(item, dict) and item.get("MCID") in outside
            if marked and isinstance(ops[i - 1], str) and ops[i + 1] == b"BDC":
                ops[i - 1] = ARTIFACT
                ops[i] = pydyf.Dictionary({"Type": "/Pagination"})
                by_mcid[item["MCID"]] = NULL
        if left := [m for m in sorted(outside) if by_mcid[m] != NULL]:
            raise RuntimeError(f"marked content {left} of page {reference} not in its stream")


def scope_header_cells(pdf, elements: dict) -> None:
    """/Scope on every TH: /Row if a data cell of its row lists it among its /Headers."""
    import pydyf

    for row in (e for e in elements.values() if e["S"] == "/TR"):
        cells = _element_kids(pdf, row)
        named_in_row = {
            header.string
            for cell in cells
            if cell["S"] == "/TD"
            for header in cell.get("A", {}).get("Headers", ())
        }
        for cell in (c for c in cells if c["S"] == "/TH"):
            identifier = cell["ID"].string if "ID" in cell else None
            scope = "/Row" if identifier in named_in_row else "/Column"
            if "A" not in cell:
                cell["A"] = pydyf.Dictionary({"O": "/Table"})
            cell["A"]["Scope"] = scope


def add_id_tree(pdf, root, elements: dict) -> None:
    """The name tree from element IDs to elements that /Headers refers through."""
    import pydyf

    named = sorted((e["ID"].string, e.reference) for e in elements.values() if "ID" in e)
    if named:
        names = pydyf.Array()
        for identifier, reference in named:
            names += [pydyf.String(identifier), reference]
        root["IDTree"] = pydyf.Dictionary({"Names": names})
