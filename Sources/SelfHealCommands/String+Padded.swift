extension String {
    /// Left-aligned in a column of `width` characters for the terminal tables; longer text is
    /// kept whole rather than cut.
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
