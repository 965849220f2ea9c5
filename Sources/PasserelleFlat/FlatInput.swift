public import Foundation
public import PasserelleModel

/// One entry point for `passerelle validate` / `inspect` on flat files.
public enum FlatInput {
    /// The flat format of the file at `url`: HPRIM Santé or HPRIM Net by content, `.flatExport`
    /// when a profile is given, `nil` otherwise (CSV and fixed-width exports are never guessed).
    public static func format(ofFileAt url: URL, profile: ExportProfile? = nil) -> SourceFormat? {
        if profile != nil { return .flatExport }
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        let prefix = (try? handle.read(upToCount: 64 << 10)) ?? nil
        return prefix.flatMap { FlatFormatDetector.detect($0) }
    }

    /// Reads the file at `url`: through `profile` when given, else as HPRIM Santé or HPRIM Net
    /// recognised by content. Collects everything; for large exports use
    /// `FlatExportReader.read(contentsOf:sourceName:receivedAt:_:)`, which streams.
    /// - Throws: `FlatReadError` (`FLAT-FORMAT` when the file is not recognised and no profile is
    ///   given, `FLAT-HEADER`, `FLAT-IO`).
    public static func read(
        contentsOf url: URL, profile: ExportProfile? = nil, sourceName: String? = nil, receivedAt: Date = Date()
    ) throws -> FlatReadResult {
        let name = sourceName ?? url.path
        if let profile {
            return try FlatExportReader(profile: profile).read(contentsOf: url, sourceName: name, receivedAt: receivedAt)
        }
        switch format(ofFileAt: url) {
        case .hprimSante?:
            return try HPRIMSanteReader().read(contentsOf: url, sourceName: name, receivedAt: receivedAt)
        case .hprimNet?:
            return try HPRIMNetReader().read(contentsOf: url, sourceName: name, receivedAt: receivedAt)
        default:
            throw FlatReadError(
                code: "FLAT-FORMAT", file: name,
                message: "not recognised as HPRIM Santé or HPRIM Net; a CSV or fixed-width export needs a profile (--profile)")
        }
    }
}
