import Foundation

/// Asynchronous ingests (`POST /v1/documents?async=true`): accepted at once (`202`), processed in
/// the background through the same pipeline and backpressure, followed with `GET /v1/jobs/{id}`.
///
/// Jobs live in the memory of the process that accepted them, and only the token that submitted a
/// job can read it. On graceful shutdown (SIGTERM) no new job is accepted and every accepted job
/// is finished before the process exits, so nothing accepted is lost.
actor JobRegistry {
    private struct Job {
        var status: JobStatus
        var owner: String
    }

    private let limit: Int
    private let retention: Double
    private var jobs: [String: Job] = [:]
    private var tasks: [String: Task<Void, Never>] = [:]
    private var accepting = true
    private var counter = 0

    init(limit: Int, retention: Double) {
        self.limit = limit
        self.retention = retention
    }

    /// Jobs queued or running.
    var pending: Int { tasks.count }

    /// Accepts a job, or throws `503` when the job limit is reached or the server is stopping.
    func submit(owner: String, work: @escaping @Sendable () async -> (Int, IngestResponse?, ProblemSummary?)) throws(APIProblem) -> JobStatus {
        guard accepting else {
            throw APIProblem(.serviceUnavailable, code: "SERVICE-STOPPING", title: "Service stopping",
                detail: "the server is shutting down; send the document to another instance", headers: [.retryAfter: "5"])
        }
        guard tasks.count < limit else {
            throw APIProblem(.serviceUnavailable, code: "JOBS-SATURATED", title: "Too many pending jobs",
                detail: "\(tasks.count) asynchronous jobs are pending; retry later", headers: [.retryAfter: "2"])
        }
        purge()
        counter += 1
        let id = "J\(counter)-\(TraceID.make().prefix(12))"
        let status = JobStatus(id: id, state: "queued", submittedAt: Date(), finishedAt: nil, httpStatus: nil, result: nil, problem: nil)
        jobs[id] = Job(status: status, owner: owner)
        tasks[id] = Task {
            await self.markRunning(id)
            let (code, result, problem) = await work()
            await self.finish(id, code: code, result: result, problem: problem)
        }
        return status
    }

    /// A job's state, for its owner only.
    func status(_ id: String, owner: String) -> JobStatus? {
        guard let job = jobs[id], job.owner == owner else { return nil }
        return job.status
    }

    /// Stops accepting jobs and waits for the accepted ones.
    func drain() async {
        accepting = false
        while let (id, task) = tasks.first {
            await task.value
            tasks[id] = nil
        }
    }

    private func markRunning(_ id: String) {
        jobs[id]?.status.state = "running"
    }

    private func finish(_ id: String, code: Int, result: IngestResponse?, problem: ProblemSummary?) {
        jobs[id]?.status.state = problem == nil ? "done" : "failed"
        jobs[id]?.status.finishedAt = Date()
        jobs[id]?.status.httpStatus = code
        jobs[id]?.status.result = result
        jobs[id]?.status.problem = problem
        tasks[id] = nil
    }

    private func purge() {
        let horizon = Date().addingTimeInterval(-retention)
        jobs = jobs.filter { $0.value.status.finishedAt.map { $0 > horizon } ?? true }
    }
}
