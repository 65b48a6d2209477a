// swift-tools-version:6.1
import PackageDescription

// As Hummingbird's own package does: an import is internal unless it says otherwise, and a file
// sees only the members of modules it imports itself, so the graph below stays the truth.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "selfheal",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "selfheal", targets: ["selfheal"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // Lua 5.4 from Debian's liblua5.4-dev, with a shim for the macros Swift cannot import.
        .systemLibrary(
            name: "CLua",
            path: "Sources/CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        // The C half of the Lua sandbox: the capped allocator, the hook that bounds instructions
        // and wall-clock time, and string functions whose work is bounded too.
        // SwiftPM hands a system library's pkg-config flags to Swift dependents only, so the C
        // target names Debian's Lua header directory itself.
        // The Swift runtime's global-executor hook, reached by the linker rather than by dlsym
        // (which cannot see it in a binary built with a static Swift runtime).
        .target(name: "CGlobalExecutorHook", path: "Sources/CGlobalExecutorHook"),
        .target(
            name: "CLuaSandbox",
            dependencies: ["CLua"],
            path: "Sources/CLuaSandbox",
            cSettings: [.unsafeFlags(["-I/usr/include/lua5.4"])]
        ),
        // A safe, sandboxed owner of one lua_State: limits, errors, value conversion.
        .target(
            name: "SelfHealLua",
            dependencies: ["CLua", "CLuaSandbox"],
            swiftSettings: swiftSettings
        ),
        // SQLite from Debian's libsqlite3-dev: one copy in the process (two copies of SQLite in
        // one process break each other's POSIX locks on a shared file).
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // A small SQLite binding: a connection on a thread of its own, prepared statements kept.
        .target(
            name: "SelfHealSQLite",
            dependencies: [
                "CSQLite", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Domain types and the protocols every role depends on. No I/O.
        .target(
            name: "SelfHealCore",
            swiftSettings: swiftSettings
        ),
        // rules/ and plugins/: loading, validation, scoring, hot reload.
        .target(
            name: "SelfHealRules",
            dependencies: [
                "SelfHealLua", "SelfHealCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Storage: the SQLite implementation of the store protocol.
        .target(
            name: "SelfHealStore",
            dependencies: [
                "SelfHealCore", "SelfHealSQLite",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Storage: the PostgreSQL implementation of the store protocol, for split deployments.
        .target(
            name: "SelfHealPostgres",
            dependencies: [
                "SelfHealCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // LLM providers: OpenAI-compatible and Gemini, retries and the circuit breaker; the judge;
        // the rewrite request; seed prompts. Never imports the simulated provider (make test checks).
        .target(
            name: "SelfHealLLM",
            dependencies: [
                "SelfHealCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The deterministic simulated provider (model, judge, rewrite), so everything runs offline.
        // Reached only through the LLMProvider protocol; nothing real depends on it.
        .target(
            name: "SelfHealSimulated",
            dependencies: ["SelfHealCore", "SelfHealLLM"],
            swiftSettings: swiftSettings
        ),
        // Runs generated code against supplied tests in a locked-down child process.
        .target(
            name: "SelfHealSandbox",
            dependencies: [
                "SelfHealCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The optimizer: plugins/ heuristics in Lua, diagnosis, rewrite, replay, canary decisions.
        .target(
            name: "SelfHealOptimizer",
            dependencies: [
                "SelfHealCore", "SelfHealLua", "SelfHealRules", "SelfHealLLM",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The roles without HTTP: manager, worker, evaluator, their domain errors, the canary
        // split, request validation. No HTTP framework (make test checks it).
        .target(
            name: "SelfHealRoles",
            dependencies: [
                "SelfHealCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP edge: routes, the clients between roles, errors mapped to statuses, metrics, logs.
        .target(
            name: "SelfHealServer",
            dependencies: [
                "SelfHealCore", "SelfHealRoles", "SelfHealSandbox",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Command line: parses arguments and wires the modules together.
        .target(
            name: "SelfHealCommands",
            dependencies: [
                "SelfHealCore", "SelfHealRules", "SelfHealStore", "SelfHealPostgres", "SelfHealLLM", "SelfHealSimulated", "SelfHealServer",
                "SelfHealRoles", "SelfHealSandbox", "SelfHealOptimizer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "selfheal",
            dependencies: [
                "SelfHealCommands", "CGlobalExecutorHook",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // What tests share: a scripted LLM server, captured logs. Not shipped in the binary.
        .target(
            name: "SelfHealTestSupport",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/SelfHealTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SelfHealLuaTests", dependencies: ["SelfHealLua", "CLua", "CLuaSandbox", "SelfHealTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SelfHealRulesTests",
            dependencies: [
                "SelfHealRules", "SelfHealCore", "SelfHealLua", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SelfHealSQLiteTests",
            dependencies: [
                "SelfHealSQLite", "SelfHealTestSupport", "CSQLite",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SelfHealStoreTests",
            dependencies: [
                "SelfHealStore", "SelfHealSQLite", "SelfHealPostgres", "SelfHealCore", "SelfHealTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SelfHealLLMTests",
            dependencies: [
                "SelfHealLLM", "SelfHealCore", "SelfHealTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SelfHealRolesTests",
            dependencies: [
                "SelfHealRoles", "SelfHealCore", "SelfHealRules", "SelfHealStore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SelfHealSimulatedTests",
            dependencies: ["SelfHealSimulated", "SelfHealLLM", "SelfHealCore", "SelfHealTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SelfHealSandboxTests",
            dependencies: [
                "SelfHealSandbox", "SelfHealCore", "SelfHealTestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SelfHealOptimizerTests",
            dependencies: [
                "SelfHealOptimizer", "SelfHealCore", "SelfHealStore", "SelfHealRules", "SelfHealLLM", "SelfHealSimulated", "SelfHealLua",
                "SelfHealRoles", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SelfHealServerTests",
            dependencies: [
                "SelfHealServer", "SelfHealRoles", "SelfHealCommands", "SelfHealCore", "SelfHealStore", "SelfHealPostgres", "SelfHealRules",
                "SelfHealLLM", "SelfHealSimulated", "SelfHealSandbox", "SelfHealTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
