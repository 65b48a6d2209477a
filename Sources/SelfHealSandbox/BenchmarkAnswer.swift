/// The benchmark's realistic job: a 60-line answer (a small report over a list of readings)
/// and tests with 10 asserts, the size of a typical generated answer and its tests.
enum BenchmarkAnswer {
    static let code = """
        from collections import Counter
        from dataclasses import dataclass
        from statistics import mean, median


        @dataclass
        class Summary:
            count: int
            lowest: float
            highest: float
            average: float
            middle: float
            most_common: list
            gaps: list


        def _clean(readings):
            values = []
            for reading in readings:
                if reading is None:
                    continue
                if isinstance(reading, str):
                    reading = reading.strip()
                    if not reading:
                        continue
                    reading = float(reading)
                values.append(float(reading))
            return values


        def _gaps(values, limit):
            gaps = []
            for before, after in zip(values, values[1:]):
                if abs(after - before) > limit:
                    gaps.append((before, after))
            return gaps


        def summarize(readings, gap_limit=10.0, top=2):
            \"\"\"Summarizes a list of readings; None and blank strings are skipped.\"\"\"
            values = _clean(readings)
            if not values:
                raise ValueError("no readings")
            counts = Counter(values)
            ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            return Summary(
                count=len(values),
                lowest=min(values),
                highest=max(values),
                average=round(mean(values), 3),
                middle=median(values),
                most_common=[value for value, _ in ranked[:top]],
                gaps=_gaps(values, gap_limit),
            )


        def describe(summary):
            return "%d readings from %.1f to %.1f (mean %.3f)" % (
                summary.count, summary.lowest, summary.highest, summary.average,
            )
        """

    /// What the answer was asked for: a smoke run (an answer without tests) reads it for
    /// worked examples.
    static let request = """
        Write summarize(readings, gap_limit=10.0, top=2): skip None and blank strings, and return the count, \
        lowest, highest, mean (3 decimals), median, the `top` most common values and the jumps above gap_limit.
        """

    static let tests = """
        def check(candidate):
            s = candidate([1, 2, 2, 3, None, " 4 ", ""])
            assert s.count == 5
            assert s.lowest == 1.0 and s.highest == 4.0
            assert s.average == 2.4
            assert s.middle == 2.0
            assert s.most_common == [2.0, 1.0]
            assert s.gaps == []
            assert candidate([0, 20, 21], gap_limit=5).gaps == [(0.0, 20.0)]
            assert candidate([5], top=3).most_common == [5.0]
            assert describe(s) == "5 readings from 1.0 to 4.0 (mean 2.400)"
            try:
                candidate([None, " "])
                assert False, "expected ValueError"
            except ValueError:
                pass
        """
}
