/** Fuzzing the quantity parser: a Quantity with a finite value, or an InputError — nothing else. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/core/errors.js";
import { parseQuantity, quantityIn } from "../../../src/core/units/units.js";

describe("parseQuantity fuzz", () => {
  it("arbitrary text: a finite quantity or an InputError", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc
            .tuple(fc.double(), fc.constantFrom("MBq", "g", "mL", "kBq", "mm", "s", "h", "µg", "xyz", ""))
            .map(([v, u]) => `${v} ${u}`),
        ),
        fc.constantFrom(undefined, "activity", "mass", "volume", "time"),
        (s, dim) => {
          try {
            const q = parseQuantity(s, dim as Parameters<typeof parseQuantity>[1]);
            expect(typeof q.unit).toBe("string");
            expect(Number.isFinite(q.value)).toBe(true);
          } catch (e) {
            expect(e).toBeInstanceOf(InputError);
          }
        },
      ),
    );
  });
  it("an overflowing value (1e400 MBq) is refused, not Infinity", () => {
    expect(() => parseQuantity("1e400 MBq", "activity")).toThrow(/finite/);
  });
  it("conversion between incompatible units is an InputError", () => {
    expect(() => quantityIn(parseQuantity("1 g"), "MBq")).toThrow(InputError);
  });
});
