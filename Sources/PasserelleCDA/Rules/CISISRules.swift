extension RuleSet {
    /// The CI-SIS header rules (French documents), in reporting order.
    public static let ciSIS = RuleSet(name: "ci-sis", rules: [
        RealmCode.self,
        TypeID.self,
        HeaderTemplates.self,
        RequiredHeaderElements.self,
        HeaderTimestamps.self,
        ConfidentialityCode.self,
        LanguageCode.self,
        PatientIdentifiers.self,
        INSKey.self,
        INSTraits.self,
        INSTraitConsistency.self,
        NameQualifiers.self,
        TelecomFormat.self,
        AddressForm.self,
        HeaderNullFlavors.self,
        ReplacementConsistency.self,
        NonXMLBodyMediaType.self,
        AuthorRequirements.self,
        CustodianIdentifier.self,
        LegalAuthenticatorRequirements.self,
        ServiceEventRequirements.self,
        EncounterRequirements.self,
    ])
}
