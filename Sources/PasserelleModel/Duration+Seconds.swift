extension Duration {
    /// The duration in seconds, as the reports and summaries write times.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
