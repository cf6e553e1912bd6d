"""Header values of the real planar NM files (files/*.dcm) as pydicom reads them, for
test/io/planarNm.test.ts. Run: /usr/bin/python3 make_nm_header_reference.py → nm_header_reference.json"""
import glob, json, os
import pydicom

out = {}
for p in sorted(glob.glob("files/*.dcm")):
    d = pydicom.dcmread(p)
    fip = d.FrameIncrementPointer
    fip = [int(t) for t in (fip if isinstance(fip, (list, pydicom.multival.MultiValue)) else [fip])]
    out[os.path.basename(p)] = {
        "Modality": d.Modality,
        "TransferSyntaxUID": str(d.file_meta.TransferSyntaxUID),
        "ImageType": list(d.ImageType),
        "Rows": int(d.Rows),
        "Columns": int(d.Columns),
        "PixelSpacing": [float(x) for x in d.PixelSpacing],
        "NumberOfFrames": int(d.NumberOfFrames),
        "FrameIncrementPointer": fip,
        "EnergyWindowVector": [int(d.EnergyWindowVector)] if not isinstance(d.EnergyWindowVector, pydicom.multival.MultiValue) else [int(x) for x in d.EnergyWindowVector],
        "DetectorVector": [int(d.DetectorVector)] if not isinstance(d.DetectorVector, pydicom.multival.MultiValue) else [int(x) for x in d.DetectorVector],
        "ActualFrameDuration": int(d.ActualFrameDuration),
        "CountsAccumulated": int(d.CountsAccumulated),
        "AcquisitionDate": d.AcquisitionDate,
        "AcquisitionTime": d.AcquisitionTime,
        "TimezoneOffsetFromUTC": d.get("TimezoneOffsetFromUTC"),
    }
json.dump(out, open("nm_header_reference.json", "w"), indent=1)
print(json.dumps(out)[:600])
