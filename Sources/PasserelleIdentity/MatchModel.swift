public import Foundation

/// m and u probabilities of one trait, one value per level (``Trait/levels`` order).
public struct TraitParameters: Sendable, Hashable, Codable {
    /// P(level | same person).
    public var m: [Double]
    /// P(level | different persons).
    public var u: [Double]

    /// Creates parameters.
    public init(m: [Double], u: [Double]) {
        self.m = m
        self.u = u
    }
}

/// A Fellegi–Sunter model: per-trait m/u probabilities, the prior match proportion, and
/// term frequencies of family and given names. Saved and loaded as JSON (`--model FILE`).
public struct MatchModel: Sendable, Hashable, Codable {
    /// File format version.
    public var formatVersion: Int
    /// Prior proportion of true matches among blocked pairs.
    public var lambda: Double
    /// Parameters keyed by ``Trait`` raw value (readable JSON).
    public var parameters: [String: TraitParameters]
    /// Frequency of family-name keys among records, for frequent names only.
    public var familyNameFrequencies: [String: Double]
    /// Frequency of first-given-name keys among records, for frequent names only.
    public var givenNameFrequencies: [String: Double]
    /// Frequency of birthplace codes among records, for frequent places only (big cities).
    public var birthplaceFrequencies: [String: Double]
    /// Number of pairs the model was trained on (0 for the built-in priors).
    public var trainedPairs: Int

    /// Creates a model.
    public init(
        lambda: Double, parameters: [Trait: TraitParameters], familyNameFrequencies: [String: Double] = [:],
        givenNameFrequencies: [String: Double] = [:], birthplaceFrequencies: [String: Double] = [:],
        trainedPairs: Int = 0
    ) {
        self.formatVersion = 1
        self.lambda = lambda
        self.parameters = Dictionary(uniqueKeysWithValues: parameters.map { ($0.key.rawValue, $0.value) })
        self.familyNameFrequencies = familyNameFrequencies
        self.givenNameFrequencies = givenNameFrequencies
        self.birthplaceFrequencies = birthplaceFrequencies
        self.trainedPairs = trainedPairs
    }

    /// Parameters of a trait (the built-in priors when the model lacks it).
    public func parameters(for trait: Trait) -> TraitParameters {
        if let stored = parameters[trait.rawValue], stored.m.count == trait.levels.count, stored.u.count == trait.levels.count {
            return stored
        }
        return Self.priors[trait] ?? TraitParameters(m: [], u: [])
    }

    /// Encodes the model as pretty-printed JSON.
    public func jsonData() throws(ModelFileError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { return try encoder.encode(self) } catch { throw ModelFileError.encoding }
    }

    /// Decodes a model from JSON, checking its format version and probabilities.
    public init(jsonData data: Data) throws(ModelFileError) {
        let decoded: MatchModel
        do { decoded = try JSONDecoder().decode(MatchModel.self, from: data) } catch { throw ModelFileError.malformed }
        guard decoded.formatVersion == 1 else { throw ModelFileError.unsupportedVersion(decoded.formatVersion) }
        for (key, value) in decoded.parameters {
            guard let trait = Trait(rawValue: key), value.m.count == trait.levels.count, value.u.count == trait.levels.count,
                (value.m + value.u).allSatisfy({ $0 > 0 && $0 <= 1 })
            else { throw ModelFileError.invalidParameters }
        }
        guard decoded.lambda > 0, decoded.lambda < 1 else { throw ModelFileError.invalidParameters }
        self = decoded
    }

    /// Hand-set priors used before any training (and as EM starting point).
    public static let priors: [Trait: TraitParameters] = [
        .ins: TraitParameters(m: [0.98, 0.02], u: [0.000_001, 0.999_999]),
        .weakIdentifier: TraitParameters(m: [0.9, 0.05, 0.05], u: [0.000_01, 0.000_1, 0.999_89]),
        .familyName: TraitParameters(
            m: [0.85, 0.03, 0.03, 0.04, 0.015, 0.01, 0.025], u: [0.002, 0.000_5, 0.002, 0.002, 0.01, 0.003, 0.980_5]),
        .givenName: TraitParameters(
            m: [0.85, 0.04, 0.04, 0.03, 0.015, 0.025], u: [0.01, 0.005, 0.005, 0.005, 0.03, 0.945]),
        .birthDate: TraitParameters(
            m: [0.9, 0.02, 0.01, 0.04, 0.01, 0.02], u: [0.000_05, 0.000_05, 0.000_01, 0.000_5, 0.000_2, 0.999_19]),
        .sex: TraitParameters(m: [0.98, 0.02], u: [0.5, 0.5]),
        .birthplace: TraitParameters(m: [0.9, 0.03, 0.07], u: [0.005, 0.03, 0.965]),
        .address: TraitParameters(m: [0.6, 0.1, 0.05, 0.25], u: [0.000_1, 0.000_2, 0.001, 0.998_7]),
        .postcode: TraitParameters(m: [0.8, 0.05, 0.15], u: [0.002, 0.002, 0.996]),
        .city: TraitParameters(m: [0.8, 0.05, 0.03, 0.12], u: [0.005, 0.001, 0.003, 0.991]),
        .phone: TraitParameters(m: [0.7, 0.3], u: [0.000_1, 0.999_9]),
    ]

    /// The built-in model (priors, no term frequencies).
    public static let builtIn = MatchModel(lambda: 0.000_2, parameters: priors)
}

/// Why a model file could not be used. The description never carries identity traits.
public enum ModelFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The JSON could not be decoded.
    case malformed
    /// The model could not be encoded.
    case encoding
    /// Another format version.
    case unsupportedVersion(Int)
    /// Probabilities out of range or level counts that do not match the traits.
    case invalidParameters

    /// Stable diagnostic code.
    public var code: String { "IDENT-MODEL-INVALID" }

    public var description: String {
        switch self {
        case .malformed: "the model file is not a valid Passerelle match model"
        case .encoding: "the model could not be encoded"
        case .unsupportedVersion(let version): "the model file format version \(version) is not supported"
        case .invalidParameters: "the model file holds invalid probabilities"
        }
    }
}
