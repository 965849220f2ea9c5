import ArgumentParser
import Foundation
import PasserelleServer
import PasserelleStore

/// `passerelle tokens`: API tokens of the HTTP service.
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Create, list and revoke the API tokens of `passerelle serve`.",
        discussion: """
            Scopes: ingest (post and validate documents), read (patients, documents, review queue, quarantine), \
            review (merge, unmerge, review decisions, quarantine retry; includes read), admin (everything). \
            Only the SHA-256 of a secret is stored: the secret is printed once, at creation.

            Examples:
              passerelle tokens create --name clinic-a --scope ingest
              passerelle tokens list
              passerelle tokens revoke clinic-a
            """,
        subcommands: [Create.self, List.self, Revoke.self])

    /// Store options of the token commands (a missing SQLite store is created).
    struct Options: ParsableArguments {
        @Option(help: "Record store: a SQLite file, or postgres://user@host/db.")
        var store: String = "./passerelle.sqlite"

        @Option(help: "Who acts, recorded in the audit log (default: the OS user).")
        var actor: String = defaultActor()

        @Option(help: "Output format: text or json.")
        var format: SummaryFormat = .text

        func withStore<T>(_ body: (any RecordStore) async throws -> T) async throws -> T {
            let store: any RecordStore
            do {
                store = try await openStore(self.store)
            } catch {
                printError("\(error)")
                throw ExitCode(ExitStatus.usageOrIO.rawValue)
            }
            do {
                let result = try await body(store)
                try? await store.close()
                return result
            } catch let error as StoreError {
                try? await store.close()
                printError(error.description)
                throw ExitCode(ExitStatus.documentsFailed.rawValue)
            } catch {
                try? await store.close()
                throw error
            }
        }
    }

    static func write(json: Any) {
        var data = (try? JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])) ?? Data("{}".utf8)
        data.append(UInt8(ascii: "\n"))
        FileHandle.standardOutput.write(data)
    }

    static func json(_ token: APIToken) -> [String: Any] {
        var object: [String: Any] = [
            "name": token.name, "scope": token.scope.rawValue, "createdAt": ISO8601DateFormatter().string(from: token.createdAt),
            "createdBy": token.createdBy, "active": token.isActive,
        ]
        if let revoked = token.revokedAt { object["revokedAt"] = ISO8601DateFormatter().string(from: revoked) }
        return object
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print its secret (shown only this once).",
            discussion: """
                Examples:
                  passerelle tokens create --name clinic-a --scope ingest
                  passerelle tokens create --name review-team --scope review --store postgres://gateway@db/passerelle
                """)

        @Option(help: "Unique name (the audit log shows `token:<name>`).")
        var name: String

        @Option(help: "Scope: ingest, read, review or admin.", transform: { text in
            guard let scope = TokenScope(rawValue: text) else { throw ValidationError("--scope must be ingest, read, review or admin") }
            return scope
        })
        var scope: TokenScope

        @OptionGroup var options: Options

        func run() async throws {
            let secret = TokenSecrets.generate()
            let token = try await options.withStore { store in
                try await store.createToken(name: name, scope: scope, secretSHA256: TokenSecrets.hash(secret), actor: options.actor)
            }
            if options.format == .json {
                var object = TokensCommand.json(token)
                object["secret"] = secret
                TokensCommand.write(json: object)
            } else {
                print("token '\(token.name)' (scope \(token.scope.rawValue)) created; its secret, shown only now:")
                print(secret)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List tokens (never their secrets).",
            discussion: """
                Examples:
                  passerelle tokens list
                  passerelle tokens list --format json
                """)

        @OptionGroup var options: Options

        func run() async throws {
            let tokens = try await options.withStore { store in try await store.tokens() }
            if options.format == .json {
                TokensCommand.write(json: tokens.map(TokensCommand.json))
                return
            }
            guard !tokens.isEmpty else {
                print("no tokens: create one with `passerelle tokens create --name NAME --scope SCOPE`")
                return
            }
            for token in tokens {
                let state = token.revokedAt.map { "revoked " + ISO8601DateFormatter().string(from: $0) } ?? "active"
                print("\(token.name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(token.scope.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(state)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token (servers refuse it within their token cache delay, 5 s by default).",
            discussion: """
                Examples:
                  passerelle tokens revoke clinic-a
                """)

        @Argument(help: "Token name.")
        var name: String

        @OptionGroup var options: Options

        func run() async throws {
            try await options.withStore { store in try await store.revokeToken(name: name, actor: options.actor) }
            print("token '\(name)' revoked")
        }
    }
}
