extension RuleSet {
    /// The CI-SIS header rules (French documents), in reporting order.
    public static let ciSIS = RuleSet(name: "ci-sis", rules: [
        RealmCode.self,
    ])
}
