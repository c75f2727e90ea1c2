import { describe, expect, it } from "vitest";
import { readTranslationSource, translationMarker, translationSourceHash } from "./translation.ts";

describe("translationSourceHash", () => {
  it("is the first 16 hex chars of SHA-256 of the UTF-8 bytes", () => {
    // sha256("") = e3b0c44298fc1c149afbf4c8996fb924...; sha256("abc") = ba7816bf8f01cfea...
    expect(translationSourceHash("")).toBe("e3b0c44298fc1c14");
    expect(translationSourceHash("abc")).toBe("ba7816bf8f01cfea");
  });

  it("changes with any edit, whitespace included, and hashes non-ASCII as UTF-8", () => {
    expect(translationSourceHash("# Dense\n")).not.toBe(translationSourceHash("# Dense \n"));
    // sha256 of the UTF-8 bytes e4 b8 ad ("中"), not of UTF-16 code units
    expect(translationSourceHash("中")).toBe("a567bdaa11367f26");
  });
});

describe("readTranslationSource", () => {
  it("reads the hash from the first line", () => {
    expect(readTranslationSource("<!-- translation-of: sha256:0123456789abcdef -->\n# 全连接层\n")).toBe("0123456789abcdef");
  });

  it("tolerates a BOM, leading blank lines and spacing inside the comment", () => {
    expect(readTranslationSource("\uFEFF\n<!--translation-of:   sha256:abcdef0123456789-->\n# x")).toBe("abcdef0123456789");
  });

  it("is null without a marker, or with one that is not at the top", () => {
    expect(readTranslationSource("# 全连接层\n")).toBeNull();
    expect(readTranslationSource("# 全连接层\n<!-- translation-of: sha256:0123456789abcdef -->\n")).toBeNull();
    expect(readTranslationSource("<!-- translation-of: md5:0123456789abcdef -->\n")).toBeNull();
  });

  it("round-trips with translationMarker", () => {
    const english = "# Dense\n\nCompute $y = xW + b$.\n";
    expect(readTranslationSource(`${translationMarker(english)}\n# 全连接层\n`)).toBe(translationSourceHash(english));
  });
});
