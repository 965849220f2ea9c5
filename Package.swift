// swift-tools-version:6.0
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Passerelle",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "passerelle", targets: ["passerelle"]),
        .library(name: "PasserelleModel", targets: ["PasserelleModel"]),
        .library(name: "PasserelleCDA", targets: ["PasserelleCDA"]),
        .library(name: "PasserelleValidation", targets: ["PasserelleValidation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        // syncfs(2), which Glibc's Swift module does not export (it needs _GNU_SOURCE).
        .target(name: "CPasserelleSystem"),
        .target(
            name: "PasserelleModel",
            dependencies: [],
            swiftSettings: strictSettings
        ),
        .target(
            name: "PasserelleIdentity",
            dependencies: ["PasserelleModel"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "PasserelleStore",
            dependencies: [
                "PasserelleModel", "PasserelleIdentity",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PasserelleStoreTests",
            dependencies: [
                "PasserelleStore", "PasserelleIdentity", "PasserelleModel",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "PasserelleFlat",
            dependencies: [
                "PasserelleModel", "CPasserelleSystem",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "PasserelleXML",
            dependencies: ["CLibXML2", "PasserelleModel"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "PasserelleCDA",
            dependencies: [
                "PasserelleXML", "PasserelleModel",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "PasserelleValidation",
            dependencies: [
                "PasserelleXML", "PasserelleModel", "PasserelleCDA", "PasserelleFlat", "CPasserelleSystem",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "passerelle",
            dependencies: [
                "PasserelleModel", "PasserelleXML", "PasserelleCDA", "PasserelleValidation", "PasserelleIdentity", "PasserelleFlat",
                "PasserelleStore", "PasserelleEmit", "PasserellePipeline", "PasserelleServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "xml-bench",
            dependencies: ["PasserelleCDA", "PasserelleModel", "PasserelleValidation", "PasserelleXML"],
            path: "Benchmarks/xml/XMLBench",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "identity-bench",
            dependencies: ["PasserelleIdentity"],
            path: "Benchmarks/identity/IncrementalBench",
            swiftSettings: strictSettings
        ),
        .target(
            name: "PasserelleEmit",
            dependencies: [
                "PasserelleModel", "PasserelleXML",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PasserelleEmitTests",
            dependencies: ["PasserelleEmit", "PasserelleCDA", "PasserelleXML", "PasserelleModel", "PasserelleTestSupport"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "PasserellePipeline",
            dependencies: [
                "PasserelleModel", "PasserelleValidation", "PasserelleFlat", "PasserelleStore", "PasserelleIdentity",
                "PasserelleEmit", "PasserelleXML", "CPasserelleSystem",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PasserellePipelineTests",
            dependencies: [
                "PasserellePipeline", "PasserelleStore", "PasserelleModel", "PasserelleValidation", "PasserelleTestSupport",
                "PasserelleIdentity", "PasserelleFlat",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "PasserelleServer",
            dependencies: [
                "PasserelleModel", "PasserelleValidation", "PasserelleFlat", "PasserelleStore", "PasserellePipeline",
                "PasserelleEmit", "PasserelleIdentity", "PasserelleXML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PasserelleServerTests",
            dependencies: [
                "PasserelleServer", "PasserelleStore", "PasserelleModel", "PasserelleIdentity", "PasserelleTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "PasserelleTestSupport",
            dependencies: ["PasserelleModel"],
            path: "Tests/PasserelleTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PasserelleModelTests",
            dependencies: ["PasserelleModel", "PasserelleTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PasserelleXMLTests",
            dependencies: ["PasserelleXML", "PasserelleModel", "PasserelleTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PasserelleCDATests",
            dependencies: ["PasserelleCDA", "PasserelleValidation", "PasserelleModel", "PasserelleTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PasserelleIdentityTests",
            dependencies: ["PasserelleIdentity", "PasserelleModel", "PasserelleTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PasserelleFlatTests",
            dependencies: [
                "PasserelleFlat", "PasserelleModel", "PasserelleTestSupport", "CPasserelleSystem",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PasserelleCLITests",
            dependencies: [
                "PasserelleModel", "PasserelleTestSupport", "PasserelleStore", "PasserellePipeline",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
