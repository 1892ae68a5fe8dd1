/// Case and diacritic folding of Unicode scalars into lowercase ASCII where a clear ASCII
/// equivalent exists (é → e, ß → ss, Æ → ae, ł → l), the way Lucene's ASCII folding filter
/// does for Latin scripts. Other letters (Greek, Cyrillic, CJK, …) are lowercased and kept.
enum Folding {
    /// Appends the folded form of a non-ASCII scalar to `output` as UTF-8.
    static func appendFolded(_ scalar: Unicode.Scalar, to output: inout [UInt8]) {
        if let ascii = latinFolding(scalar.value) {
            output.append(contentsOf: ascii.utf8)
            return
        }
        // Lowercase, then drop combining marks (they come decomposed from some sources).
        if scalar.properties.generalCategory == .nonspacingMark { return }
        for lower in scalar.properties.lowercaseMapping.unicodeScalars {
            if let ascii = latinFolding(lower.value) {
                output.append(contentsOf: ascii.utf8)
            } else {
                appendUTF8(lower, to: &output)
            }
        }
    }

    static func appendUTF8(_ scalar: Unicode.Scalar, to output: inout [UInt8]) {
        for unit in UTF8.encode(scalar)! { output.append(unit) }
    }

    /// ASCII for the Latin-1 Supplement and Latin Extended-A/B letters, `nil` otherwise.
    static func latinFolding(_ value: UInt32) -> String? {
        switch value {
        case 0xC0...0xC5, 0xE0...0xE5, 0x100...0x105, 0x1CD, 0x1CE, 0x1DE...0x1E1, 0x1FA, 0x1FB, 0x200...0x203, 0x226, 0x227: "a"
        case 0xC6, 0xE6, 0x1E2...0x1E5, 0x1FC, 0x1FD: "ae"
        case 0xC7, 0xE7, 0x106...0x10D: "c"
        case 0xD0, 0xF0, 0x10E...0x111: "d"
        case 0xC8...0xCB, 0xE8...0xEB, 0x112...0x11B, 0x204...0x207, 0x228, 0x229: "e"
        case 0x11C...0x123, 0x1E6, 0x1E7, 0x1F4, 0x1F5: "g"
        case 0x124...0x127, 0x21E, 0x21F: "h"
        case 0xCC...0xCF, 0xEC...0xEF, 0x128...0x131, 0x1CF, 0x1D0, 0x208...0x20B: "i"
        case 0x132, 0x133: "ij"
        case 0x134, 0x135, 0x1F0: "j"
        case 0x136...0x138, 0x1E8, 0x1E9: "k"
        case 0x139...0x142: "l"
        case 0xD1, 0xF1, 0x143...0x14B, 0x1F8, 0x1F9: "n"
        case 0xD2...0xD6, 0xD8, 0xF2...0xF6, 0xF8, 0x14C...0x151, 0x1A0, 0x1A1, 0x1D1, 0x1D2, 0x1EA...0x1ED, 0x1FE, 0x1FF, 0x20C...0x20F, 0x22A...0x231: "o"
        case 0x152, 0x153: "oe"
        case 0x154...0x159, 0x210...0x213: "r"
        case 0x15A...0x161, 0x218, 0x219: "s"
        case 0xDF: "ss"
        case 0x162...0x167, 0x21A, 0x21B: "t"
        case 0xD9...0xDC, 0xF9...0xFC, 0x168...0x173, 0x1AF, 0x1B0, 0x1D3...0x1DC, 0x214...0x217: "u"
        case 0x174, 0x175: "w"
        case 0xDD, 0xFD, 0xFF, 0x176...0x178, 0x232, 0x233: "y"
        case 0x179...0x17E: "z"
        case 0xDE, 0xFE: "th"
        default: nil
        }
    }

    /// Whether a non-ASCII scalar is part of a word (a letter, a digit or a combining mark).
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber,
            .nonspacingMark, .spacingMark, .letterNumber:
            return true
        default:
            return false
        }
    }
}
