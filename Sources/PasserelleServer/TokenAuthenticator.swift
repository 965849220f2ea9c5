import Foundation
import Hummingbird
import PasserelleModel
import PasserelleStore

/// Finds the token of a bearer secret in the store, with a short cache so that a busy client
/// does not cost one store read per request. A revoked token is refused once its cache entry
/// expires (`tokenCacheSeconds`).
final class TokenAuthenticator: Sendable {
    private struct Entry {
        var token: APIToken?
        var fetched: ContinuousClock.Instant
    }

    private let store: any RecordStore
    private let ttl: Duration
    private let cache = Locked<[String: Entry]>([:])

    init(store: any RecordStore, cacheSeconds: Double) {
        self.store = store
        ttl = .milliseconds(Int64(cacheSeconds * 1_000))
    }

    /// The active token for the `Authorization` header value, or the problem to answer.
    func authenticate(_ authorization: String?) async throws(APIProblem) -> APIToken {
        let challenge: HTTPFields = [.wwwAuthenticate: "Bearer realm=\"passerelle\""]
        guard let authorization, !authorization.isEmpty else {
            throw APIProblem(.unauthorized, code: "AUTH-MISSING", title: "Authentication required",
                detail: "send an API token as `Authorization: Bearer <token>`", headers: challenge)
        }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw APIProblem(.unauthorized, code: "AUTH-SCHEME", title: "Authentication required",
                detail: "only bearer tokens are accepted", headers: challenge)
        }
        let hash = TokenSecrets.hash(String(parts[1]).trimmingCharacters(in: .whitespaces))
        let now = ContinuousClock.now
        let cached = cache.withLock { entries -> Entry? in
            guard let entry = entries[hash], entry.fetched.duration(to: now) < ttl else { return nil }
            return entry
        }
        let token: APIToken?
        if let cached {
            token = cached.token
        } else {
            do {
                token = try await store.token(secretSHA256: hash)
            } catch {
                throw APIProblem(.serviceUnavailable, code: "STORE-UNAVAILABLE", title: "Store unavailable",
                    detail: "the token could not be checked; retry later", headers: [.retryAfter: "1"])
            }
            cache.withLock { entries in
                if entries.count > 10_000 { entries.removeAll() }
                entries[hash] = Entry(token: token, fetched: now)
            }
        }
        guard let token else {
            throw APIProblem(.unauthorized, code: "AUTH-INVALID", title: "Authentication failed", detail: "unknown token",
                headers: challenge)
        }
        guard token.isActive else {
            throw APIProblem(.unauthorized, code: "AUTH-REVOKED", title: "Authentication failed",
                detail: "token '\(token.name)' was revoked", headers: challenge)
        }
        return token
    }
}

/// Per-token request budget: a token bucket refilled at `rate` per second up to `burst`.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let rate: Double
    private let burst: Double
    private let buckets = Locked<[String: Bucket]>([:])

    init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = max(1, burst)
    }

    /// `nil` when the request may go on, otherwise the seconds to wait.
    func take(_ key: String) -> Int? {
        guard rate > 0 else { return nil }
        let now = ContinuousClock.now
        return buckets.withLock { all -> Int? in
            var bucket = all[key] ?? Bucket(tokens: burst, updated: now)
            let elapsed = bucket.updated.duration(to: now)
            let seconds = elapsed.inSeconds
            bucket.tokens = min(burst, bucket.tokens + seconds * rate)
            bucket.updated = now
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                all[key] = bucket
                return nil
            }
            all[key] = bucket
            return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
        }
    }
}
