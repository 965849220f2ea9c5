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
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
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
            name: "PasserelleFlat",
            dependencies: [
                "PasserelleModel",
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
                "PasserelleXML", "PasserelleModel", "PasserelleCDA",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "passerelle",
            dependencies: [
                "PasserelleModel", "PasserelleXML", "PasserelleCDA", "PasserelleValidation", "PasserelleIdentity", "PasserelleFlat",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
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
            dependencies: ["PasserelleIdentity", "PasserelleModel"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PasserelleFlatTests",
            dependencies: ["PasserelleFlat", "PasserelleModel"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PasserelleCLITests",
            dependencies: ["PasserelleModel", "PasserelleTestSupport"],
            swiftSettings: strictSettings
        ),
    ]
)
