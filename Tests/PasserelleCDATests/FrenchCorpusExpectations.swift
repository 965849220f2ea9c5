import PasserelleModel
import Testing

/// The patient of a French corpus document, as written in its `recordTarget/patientRole`.
struct PatientExpectation: Sendable {
    /// INS `extension` (the 15-character NIR).
    let ins: String
    /// Kind of the INS, from its root OID (test 1.2.250.1.213.1.4.10 or production 1.2.250.1.213.1.4.8).
    let insKind: IdentifierKind
    /// Root OID of the first local identifier (IPP), `nil` when the document carries only the INS.
    let ippRoot: String?
    /// `family qualifier="BR"`.
    let birthFamilyName: String
    /// First `given qualifier="BR"`.
    let firstBirthGivenName: String
    /// `birthTime/@value` as written.
    let birthDate: String
    /// `administrativeGenderCode/@code`.
    let sex: String

    /// The ANS test patient used by most examples (INS-NIR test OID, IPP under 1.2.3.4.567.8.9.10).
    static let patTrois = PatientExpectation(
        ins: "279035121518989", insKind: .insNIRTest, ippRoot: "1.2.3.4.567.8.9.10", birthFamilyName: "PAT-TROIS",
        firstBirthGivenName: "DOMINIQUE", birthDate: "19790328", sex: "F")

    /// The same patient without an IPP.
    static let patTroisINSOnly = patTrois.withIPP(nil)

    func withIPP(_ root: String?) -> PatientExpectation {
        PatientExpectation(
            ins: ins, insKind: insKind, ippRoot: root, birthFamilyName: birthFamilyName,
            firstBirthGivenName: firstBirthGivenName, birthDate: birthDate, sex: sex)
    }
}

/// Header and body facts of one `cda/fr` document, read from the file by hand (grep), not
/// from Passerelle's output.
struct FrenchDocumentExpectation: Sendable, CustomTestStringConvertible {
    let file: String
    let patient: PatientExpectation
    /// `ClinicalDocument/code/@code`.
    let typeCode: String
    /// `versionNumber/@value`.
    let version: Int
    /// Whether `setId` is present.
    let hasSetID: Bool
    /// `structured` or `nonXML`.
    let bodyKind: String
    /// Inline base64 `application/pdf` payloads (nonXMLBody text or entry values).
    let pdfCount: Int
    /// Whether the root is `xsl:stylesheet` (CI-SIS auto-présentable).
    let autoPresentable: Bool
    /// `relatedDocument[@typeCode='RPLC']/parentDocument/id` as `root` or `root^extension`.
    let replaces: String?

    init(
        _ file: String, _ patient: PatientExpectation = .patTrois, type typeCode: String, version: Int = 1,
        body bodyKind: String = "structured", pdfs pdfCount: Int = 0, autoPresentable: Bool = false,
        replaces: String? = nil, hasSetID: Bool = true
    ) {
        self.file = file
        self.patient = patient
        self.typeCode = typeCode
        self.version = version
        self.hasSetID = hasSetID
        self.bodyKind = bodyKind
        self.pdfCount = pdfCount
        self.autoPresentable = autoPresentable
        self.replaces = replaces
    }

    var testDescription: String { file }
}

/// Expectations for the 43 French documents of the shared corpus.
enum FrenchCorpus {
    static let ruth = PatientExpectation(
        ins: "221042545611404", insKind: .insNIRTest, ippRoot: nil, birthFamilyName: "DECOURCY",
        firstBirthGivenName: "Ruth", birthDate: "20230425", sex: "F")
    static let ruthMDE = PatientExpectation(
        ins: "222127505611201", insKind: .insNIR, ippRoot: "1.2.3.4.5.6.7.8.9.10", birthFamilyName: "DECOURCY",
        firstBirthGivenName: "Ruth", birthDate: "20221225", sex: "F")
    static let marie = PatientExpectation(
        ins: "277076322082910", insKind: .insNIR, ippRoot: "1.2.3.4.567.8.9.10", birthFamilyName: "NESSI",
        firstBirthGivenName: "Marie", birthDate: "19770714", sex: "F")
    static let ruthNessi = PatientExpectation(
        ins: "277076322082910", insKind: .insNIR, ippRoot: "1.2.3.4.567.8.9.10", birthFamilyName: "NESSI",
        firstBirthGivenName: "RUTH", birthDate: "19770714", sex: "F")
    static let lea = PatientExpectation(
        ins: "224027511583555", insKind: .insNIRTest, ippRoot: "1.2.3.4.567.8.9.10", birthFamilyName: "DECOURCY",
        firstBirthGivenName: "Léa", birthDate: "20240228", sex: "F")

    static let documents: [FrenchDocumentExpectation] = [
        .init("ANEST-CR-CPA_2022.01.xml", type: "34749-2", pdfs: 1),
        .init("AVC-SUNV_2022.01.xml", type: "34133-9"),
        .init("BIO-CR-BIO_2021.01_Auto-Presentable.xml", type: "11502-2", autoPresentable: true),
        .init("BIO-CR-BIO_2021.01_Auto-Presentable_avec-image.xml", type: "11502-2", pdfs: 1, autoPresentable: true),
        .init("BIO-CR-BIO_2021.01_CDA-R2-Niveau-1.xml", type: "11502-2", body: "nonXML", pdfs: 1),
        .init("BIO-CR-BIO_2024.01_CR-2nde-intention-PDF.xml", type: "11502-2", pdfs: 2),
        .init("BIO-CR-BIO_2024.01_CRP_non_LOINC.xml", type: "11502-2", pdfs: 1),
        .init(
            "BIO-CR-BIO_2024.01_DEP-CCU-tout-structure.xml", PatientExpectation.patTrois.withIPP("1.2.250.1.161.1.20.1.2"),
            type: "11502-2", pdfs: 1),
        .init("BIO-CR-BIO_2024.01_Electrophorese.xml", type: "11502-2", pdfs: 1),
        .init("BIO-CR-BIO_2024.01_Glycemie_mole.xml", type: "11502-2", pdfs: 1),
        .init("BIO-CR-BIO_2024.01_Microbiologie_V1.xml", type: "11502-2", pdfs: 1),
        .init(
            "BIO-CR-BIO_2024.01_Microbiologie_V2.xml", type: "11502-2", version: 2, pdfs: 1,
            replaces: "1.2.250.1.213.1.1.1.55.12345.13"),
        .init("BIO-CR-BIO_2024.01_TSH_1.xml", type: "11502-2", pdfs: 1),
        .init("BIO-CR-BIO_2024.01_TSH_2.xml", type: "11502-2", pdfs: 1),
        .init("BIO-TROD_2024.01_COVID-19_Grippe-A_Grippe-B.xml", .patTroisINSOnly, type: "96173-0"),
        .init("CANCER-CR-GM_2022.01_AnalyseRealisee.xml", type: "51969-4"),
        .init("CANCER-D2LM-FIDD_2022.01.xml", type: "18748-4"),
        .init("CANCER-FRCP_2022.01_Appareil.xml", type: "34794-8"),
        .init("CANCER-PPS_2022.01_feuille-de-style-externe.xml", type: "18776-5"),
        .init("CARD-F-PRC-AVK_2022.01.xml", type: "34133-9", version: 2),
        .init("CNAM-HR_2021.01_sans-info.xml", type: "REMB", version: 2, replaces: "1.2.250.1.213.1.1.9^10002-1"),
        .init("CSE-CS8_2025.01.xml", ruth, type: "CERT_DECL"),
        .init("CSE-MDE_2023.01.xml", ruthMDE, type: "29274-8", version: 4),
        .init("DLU-EHPAD-DLU_2022.01.xml", type: "74207-2", pdfs: 2),
        .init("DLU-EHPAD-FLUDR_2022.01.xml", type: "74207-2", pdfs: 2),
        .init("DLU-EHPAD-FLUDT_2022.01.xml", type: "74207-2"),
        .init("DOC_NON_STRUCTURE_CDA-R2-N1.xml", type: "11502-2", body: "nonXML", pdfs: 1),
        .init("IMG-DA-IMG_2024.01_Mammo-Echo-Seins.xml", type: "55115-0", pdfs: 1),
        .init(
            "IMG_CR_IMG_2024.01.xml", type: "18748-4", version: 2, pdfs: 1,
            replaces: "90E1C8EC-F951-4B26-A305-A34848818DD6"),
        .init(
            "IMG_CR_IMG_2024.01_CDA-R2-Niveau-1.xml", type: "18748-4", version: 2, body: "nonXML", pdfs: 1,
            replaces: "90E1C8EC-F951-4B26-A305-A34848818DD6"),
        .init(
            "IPS-FR_2024.01.xml", .patTroisINSOnly, type: "60591-5", version: 2, pdfs: 3,
            replaces: "8D5E778C-E155-4685-95C6-5FF65A362964"),
        .init("LDL-EES_2022.01.xml", type: "18761-7"),
        .init("LDL-SES_2022.01.xml", type: "11490-0"),
        .init("OBP-SCM_2024.01.xml", marie, type: "89235-6"),
        .init(
            "OPH-BRE_2022.02.xml", type: "78513-9", version: 3,
            replaces: "1.2.250.1.213.1.1.9^OPH-BRE_2021.01_20210827_00001_2"),
        .init("SDM-MR_2024.01_nouveau-ne.xml", lea, type: "34133-9", version: 2),
        .init("TLM-CR_2022.01.xml", type: "85208-7", body: "nonXML", pdfs: 1),
        .init("TLM-DA_2022.01_TCG.xml", type: "75496-0", version: 2, pdfs: 1),
        .init("VAC-NOTE_2023.01.xml", type: "87273-9"),
        .init("VAC_2023.01.xml", .patTroisINSOnly, type: "11369-6"),
        .init("VSM_1.4_2022.01.xml", type: "SYNTH"),
        .init("eDISP-MED_2024.01.xml", ruthNessi, type: "60593-1"),
        .init("eP-MED-DM_2024.01_PosoStruct.xml", type: "57833-6", pdfs: 1),
    ]
}
