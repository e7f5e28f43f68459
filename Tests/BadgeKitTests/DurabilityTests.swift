@testable import BadgeKit
import Foundation
import PredictionStore
import Testing

@Suite("Badge stores commit durably")
struct BadgeStoreDurabilityTests {
    @Test("the badge journal's writer commits with synchronous = FULL")
    func journalIsDurable() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).sqlite").path
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let journal = try BadgeJournal(path: path, chainId: 31337, contract: address(1), sender: address(1))
        #expect(try journal.database.synchronousMode() == 2)
    }
}
