import SelfHealCore
import SelfHealStore
import Testing

@Suite("Database URLs")
struct StoreURLTests {
    @Test(arguments: [
        ("sqlite:selfheal.db", "selfheal.db"),
        ("sqlite:/var/lib/selfheal/selfheal.db", "/var/lib/selfheal/selfheal.db"),
        ("sqlite://selfheal.db", "selfheal.db"),
        ("sqlite:///var/lib/selfheal.db", "/var/lib/selfheal.db"),
        ("  sqlite:data/x.db ", "data/x.db"),
    ])
    func sqliteForms(_ url: String, _ path: String) throws {
        #expect(try StoreURL.parse(url) == .sqlite(path: path))
    }

    @Test(arguments: ["postgres://selfheal:pw@db:5432/selfheal", "postgresql://localhost/selfheal"])
    func postgresForms(_ url: String) throws {
        #expect(try StoreURL.parse(url) == .postgres(url))
    }

    @Test(arguments: ["mysql://root:hunter2@db/selfheal", "selfheal.db", "sqlite:", "sqlite://", "sqlite::memory:", ""])
    func refused(_ url: String) throws {
        let error = try #require(throws: StoreError.self) { try StoreURL.parse(url) }
        #expect(error.kind == .invalid)
        // The message tells the operator what would have worked, and never echoes a password.
        #expect(error.message.contains("sqlite:") )
        #expect(!error.message.contains("hunter2"))
    }

    @Test func descriptionHidesPassword() throws {
        let url = try StoreURL.parse("postgres://selfheal:s3cret@db:5432/selfheal")
        #expect("\(url)" == "postgres://selfheal:***@db:5432/selfheal")
        #expect("\(try StoreURL.parse("postgres://db/selfheal"))" == "postgres://db/selfheal")
        #expect("\(try StoreURL.parse("sqlite:x.db"))" == "sqlite:x.db")
    }
}
