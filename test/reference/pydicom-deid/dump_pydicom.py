"""Element inventory of the reference DICOM files, read by pydicom (an independent DICOM reader).

For every file below test_files/ and charset_files/ that pydicom reads as a Part 10 file: every data
element, recursively into sequences, as {"path", "vr", "text"}: path = tags "GGGGEEEE" joined by "/"
with the item index in brackets ("00081140[0]/00081155"), vr as pydicom resolves it, text = the value
decoded by pydicom (its character-set handling, ISO 2022 included) for string VRs, else null.
Files pydicom cannot read are listed under "unreadable" with the exception text.

Run with Debian's python3 (python3-pydicom 2.3.1):  /usr/bin/python3 dump_pydicom.py > pydicom_elements.json
With a folder argument, the same inventory of every *.dcm below that folder (the de-identification test
uses this to read its outputs back with pydicom when pydicom is installed).
"""
import glob
import json
import os
import sys
import warnings

import pydicom

HERE = os.path.dirname(os.path.abspath(__file__))
STRING_VRS = {"AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT"}


def walk(ds, prefix, out):
    for elem in ds:
        path = prefix + f"{elem.tag:08X}"
        text = None
        if elem.VR == "SQ":
            out.append({"path": path, "vr": "SQ", "text": None, "items": len(elem.value)})
            for i, item in enumerate(elem.value):
                walk(item, f"{path}[{i}]/", out)
            continue
        if elem.VR in STRING_VRS and elem.value is not None:
            v = elem.value
            text = "\\".join(str(x) for x in v) if isinstance(v, pydicom.multival.MultiValue) else str(v)
        out.append({"path": path, "vr": elem.VR, "text": text})


def main():
    files = {}
    unreadable = {}
    warnings.simplefilter("ignore")
    root = sys.argv[1] if len(sys.argv) > 1 else HERE
    pattern = os.path.join(root, "**", "*.dcm") if len(sys.argv) > 1 else os.path.join(root, "*_files", "*.dcm")
    for f in sorted(glob.glob(pattern, recursive=True)):
        rel = os.path.relpath(f, root)
        try:
            ds = pydicom.dcmread(f)
            meta = []
            walk(ds.file_meta, "", meta)
            out = []
            walk(ds, "", out)
            files[rel] = {"transferSyntax": str(ds.file_meta.TransferSyntaxUID), "meta": meta, "elements": out}
        except Exception as e:  # noqa: BLE001 - recorded as a finding
            unreadable[rel] = f"{type(e).__name__}: {e}"
    print(json.dumps({"pydicom": pydicom.__version__, "files": files, "unreadable": unreadable}, ensure_ascii=False, separators=(",", ":")))


if __name__ == "__main__":
    main()
