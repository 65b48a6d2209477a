/// A rough token count (about four characters a token), deterministic by construction: what a
/// provider reports when the model's answer gives no usage, and what the simulated model counts.
package enum TokenEstimate {
    package static func tokens(in text: String) -> Int {
        (text.count + 3) / 4
    }
}
