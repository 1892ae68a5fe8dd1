public import Foundation

/// A durable note that an issue is being created for a gap in an external tracker.
///
/// A sync records it *before* asking the tracker to create the issue and removes it when the
/// issue's URL is stored on the gap (``GapStore/linkIssue(_:url:by:note:)``). One that is still
/// there on the next sync means the last one was interrupted between the two: the issue may
/// exist already, so the sync looks it up before creating another.
public struct PendingIssue: Sendable, Hashable {
    /// The gap the issue is for.
    public let gapID: GapID
    /// Where the issue is being created, as the syncing tool names it (for GitHub, the
    /// repository's API address). A pending issue for another destination is left alone.
    public let destination: String
    /// When the creation started.
    public let since: Date

    public init(gapID: GapID, destination: String, since: Date) {
        self.gapID = gapID
        self.destination = destination
        self.since = since
    }
}
