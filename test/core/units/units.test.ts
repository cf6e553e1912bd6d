import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/core/errors.js";
import { convert, type Dimension, parseQuantity, unitsOf } from "../../../src/core/units/units.js";

describe("units", () => {
  it("converts with exact defined factors", () => {
    expect(convert(1, "mCi", "MBq")).toBeCloseTo(37, 12); // 1 mCi = 37 MBq by definition
    expect(convert(1, "h", "s")).toBe(3600);
    expect(convert(2.8047, "d", "h")).toBeCloseTo(67.3128, 10);
    expect(convert(250, "uL", "mL")).toBeCloseTo(0.25, 15);
    expect(convert(1, "mg/mL", "ug/mL")).toBe(1000);
    expect(convert(0.5, "mM", "uM")).toBeCloseTo(500, 12);
    expect(convert(1, "cc", "mL")).toBe(1);
    expect(convert(0.25, "1/min", "1/s")).toBeCloseTo(0.25 / 60, 15);
  });

  it("parses quantities and checks their dimension", () => {
    expect(parseQuantity("22.4 g", "mass")).toEqual({ value: 22.4, unit: "g" });
    expect(parseQuantity("15MBq", "activity")).toEqual({ value: 15, unit: "MBq" });
    expect(parseQuantity("1e-3 mL")).toEqual({ value: 0.001, unit: "mL" });
    expect(() => parseQuantity("22 MBq", "mass")).toThrow(InputError);
    expect(() => parseQuantity("22 furlongs")).toThrow(/known unit/);
    expect(() => parseQuantity("heavy", "mass")).toThrow(/number followed by a unit/);
  });

  it("rejects conversions across dimensions with a message naming the units", () => {
    expect(() => convert(1, "g", "mL")).toThrow(/unit of volume/);
  });

  it("round-trips every pair of units of a dimension (property)", () => {
    const dims: Dimension[] = [
      "time",
      "mass",
      "volume",
      "activity",
      "concentration",
      "massConcentration",
      "length",
      "amount",
    ];
    const pairs = dims.flatMap((d) => unitsOf(d).flatMap((a) => unitsOf(d).map((b) => [a, b] as const)));
    fc.assert(
      fc.property(fc.constantFrom(...pairs), fc.double({ min: 1e-6, max: 1e6, noNaN: true }), ([a, b], v) => {
        const back = convert(convert(v, a, b), b, a);
        return Math.abs(back - v) <= 1e-12 * Math.abs(v);
      }),
    );
  });
});
