import Foundation
import Prometheus

/// Prometheus metrics of one server (its own registry, so several servers in one process — the
/// tests — do not mix their figures). Served at `GET /metrics` in the text exposition format.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "passerelle", metricName: metric, unitName: unit, helpText: help)
    }

    /// One finished request.
    func request(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.name("http_requests", "total", "HTTP requests by method, route and status"), labels: [("method", method), ("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.name("http_request_duration", "seconds", "HTTP request latency by method and route"), labels: [("method", method), ("route", route)],
            buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// One document handled by the pipeline.
    func document(outcome: String) {
        registry.makeCounter(descriptor: Self.name("documents", "total", "Documents handled, by outcome"), labels: [("outcome", outcome)]).increment()
    }

    /// One identity decision.
    func identity(decision: String) {
        registry.makeCounter(descriptor: Self.name("identity_decisions", "total", "Identity decisions"), labels: [("decision", decision)]).increment()
    }

    /// Time spent in a store operation (the whole pipeline transaction for ingests).
    func store(operation: String, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: Self.name("store_operation_duration", "seconds", "Store operation latency (whole pipeline transaction for ingests)"), labels: [("operation", operation)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// A request refused by backpressure or the rate limit.
    func refused(reason: String) {
        registry.makeCounter(descriptor: Self.name("requests_refused", "total", "Requests refused by backpressure or rate limits"), labels: [("reason", reason)]).increment()
    }

    /// Gauges read at scrape time.
    func gauges(quarantineOpen: Int?, reviewOpen: Int?, inFlight: Int, waiting: Int, jobsPending: Int) {
        if let quarantineOpen { registry.makeGauge(descriptor: Self.name("quarantine_open", "items", "Open quarantine items")).set(Double(quarantineOpen)) }
        if let reviewOpen { registry.makeGauge(descriptor: Self.name("review_open", "items", "Open review items")).set(Double(reviewOpen)) }
        registry.makeGauge(descriptor: Self.name("ingest_in_flight", "documents", "Documents in the pipeline now")).set(Double(inFlight))
        registry.makeGauge(descriptor: Self.name("ingest_waiting", "requests", "Requests waiting for a pipeline slot")).set(Double(waiting))
        registry.makeGauge(descriptor: Self.name("jobs_pending", "jobs", "Asynchronous jobs queued or running")).set(Double(jobsPending))
    }

    /// The exposition text.
    func render() -> [UInt8] { registry.emitToBuffer() }
}
