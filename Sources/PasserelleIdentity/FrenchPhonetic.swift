/// A French-aware phonetic key, written for Passerelle in the spirit of Soundex-FR and Phonex.
///
/// It works on folded text (``TextFolding``) and maps spellings of the same French sound to one
/// code: `PH → F`, `QU/K/C(a,o,u) → K`, `C(e,i,y)/Z/SS → S`, `G(e,i,y) → J`, `CH/SH/SCH → X`,
/// `EAU/AU → O`, `AI/EI → E`, `OU → U`, `OI → WA`, nasal vowels (`AN/EN → 2`, `ON → 3`,
/// `IN/AIN/EIN/UN → 4`), `EU/OEU → 9`, `BV → V`, `ILL → IY`, silent `H`, doubled letters, final
/// `-ER/-EZ/-ET → E`, final mute `E` and silent final consonants (`S T D X Z`).
/// Examples: DUPONT ≡ DUPOND, PHILIPPE ≡ FILIPE, LEFEBVRE ≡ LEFEVRE, GAUTHIER ≡ GAUTIER.
public enum FrenchPhonetic {
    /// The key of `folded` (spaces are ignored).
    public static func key(_ folded: String) -> String {
        let s = Array(folded.utf8).filter { $0 >= 0x41 && $0 <= 0x5A }
        guard !s.isEmpty else { return "" }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        func at(_ k: Int) -> UInt8 { k < s.count && k >= 0 ? s[k] : 0 }
        func isVowel(_ c: UInt8) -> Bool { c == A || c == E || c == I || c == O || c == U || c == Y }
        func nasalFollows(_ k: Int) -> Bool {
            let next = at(k)
            return next == 0 || (!isVowel(next) && next != N && next != M && next != H)
        }
        while i < s.count {
            let c = s[i], n1 = at(i + 1), n2 = at(i + 2), n3 = at(i + 3)
            switch c {
            case E where n1 == A && n2 == U: out.append(O); i += 3
            case A where n1 == U && n2 == L && n3 == T && i + 4 == s.count: out.append(O); i += 4
            case A where n1 == U: out.append(O); i += 2
            case O where n1 == U: out.append(U); i += 2
            case O where (n1 == I || n1 == Y): out.append(contentsOf: [W, A]); i += 2
            case O where n1 == E && n2 == U: out.append(NINE); i += 3
            case E where n1 == U: out.append(NINE); i += 2
            case A where (n1 == I || n1 == Y) && (n2 == N || n2 == M) && nasalFollows(i + 3): out.append(FOUR); i += 3
            case E where n1 == I && (n2 == N || n2 == M) && nasalFollows(i + 3): out.append(FOUR); i += 3
            case A where n1 == I, E where n1 == I: out.append(E); i += 2
            case A where (n1 == N || n1 == M) && nasalFollows(i + 2), E where (n1 == N || n1 == M) && nasalFollows(i + 2):
                out.append(TWO); i += 2
            case O where (n1 == N || n1 == M) && nasalFollows(i + 2): out.append(THREE); i += 2
            case I where (n1 == N || n1 == M) && nasalFollows(i + 2), Y where (n1 == N || n1 == M) && nasalFollows(i + 2),
                U where (n1 == N || n1 == M) && nasalFollows(i + 2):
                out.append(FOUR); i += 2
            case I where n1 == L && n2 == L: out.append(contentsOf: [I, Y]); i += 3
            case P where n1 == H: out.append(F); i += 2
            case S where n1 == C && n2 == H: out.append(X); i += 3
            case C where n1 == H, S where n1 == H: out.append(X); i += 2
            case Q where n1 == U: out.append(K); i += 2
            case Q, K: out.append(K); i += 1
            case G where n1 == U && (n2 == E || n2 == I || n2 == Y): out.append(G); i += 2
            case G where n1 == N: out.append(N); i += 2
            case G where n1 == E || n1 == I || n1 == Y: out.append(J); i += 1
            case C where n1 == E || n1 == I || n1 == Y: out.append(S); i += 1
            case C where n1 == K: out.append(K); i += 2
            case C: out.append(K); i += 1
            case T where n1 == H: out.append(T); i += 2
            case B where n1 == V: out.append(V); i += 2
            case H: i += 1
            case W: out.append(V); i += 1
            case Z: out.append(S); i += 1
            case Y: out.append(I); i += 1
            case X where i + 1 < s.count: out.append(contentsOf: [K, S]); i += 1
            case E where (n1 == R || n1 == Z || n1 == T) && i + 2 == s.count: out.append(E); i += 2
            default: out.append(c); i += 1
            }
        }
        var collapsed: [UInt8] = []
        for c in out where collapsed.last != c { collapsed.append(c) }
        while collapsed.count > 1, let last = collapsed.last,
            last == E || last == S || last == T || last == D || last == X || last == Z
        {
            collapsed.removeLast()
        }
        return String(decoding: collapsed, as: UTF8.self)
    }

    private static let A = UInt8(ascii: "A"), B = UInt8(ascii: "B"), C = UInt8(ascii: "C")
    private static let D = UInt8(ascii: "D"), E = UInt8(ascii: "E"), F = UInt8(ascii: "F")
    private static let G = UInt8(ascii: "G"), H = UInt8(ascii: "H"), I = UInt8(ascii: "I")
    private static let J = UInt8(ascii: "J"), K = UInt8(ascii: "K"), L = UInt8(ascii: "L")
    private static let M = UInt8(ascii: "M"), N = UInt8(ascii: "N"), O = UInt8(ascii: "O")
    private static let P = UInt8(ascii: "P"), Q = UInt8(ascii: "Q"), R = UInt8(ascii: "R")
    private static let S = UInt8(ascii: "S"), T = UInt8(ascii: "T"), U = UInt8(ascii: "U")
    private static let V = UInt8(ascii: "V"), W = UInt8(ascii: "W"), X = UInt8(ascii: "X")
    private static let Y = UInt8(ascii: "Y"), Z = UInt8(ascii: "Z")
    private static let TWO = UInt8(ascii: "2"), THREE = UInt8(ascii: "3"), FOUR = UInt8(ascii: "4")
    private static let NINE = UInt8(ascii: "9")
}
