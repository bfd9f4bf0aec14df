// The guards of catalog-side pruning (mallard/scan/catalog_pruning.hpp), run in each catalog's own
// SQL: a bound is compared only when its text orders like its value, and any other text is NULL.
#include "catalog_test_util.hpp"

#include "mallard/scan/catalog_pruning.hpp"

namespace duckdb {
namespace {

class CatalogPruningTest : public BackendTest {
protected:
	//! The ids of the texts whose guarded expression is not NULL.
	vector<int64_t> Kept(const vector<string> &texts, const std::function<string(const string &)> &guard) {
		conn->Execute("CREATE TABLE bound_texts (id BIGINT, v VARCHAR)");
		string values;
		for (idx_t i = 0; i < texts.size(); i++) {
			values += (i ? ", (" : "(") + std::to_string(i) + ", " + MetadataConnection::Literal(texts[i]) + ")";
		}
		conn->Execute("INSERT INTO bound_texts VALUES " + values);
		auto rows = conn->Query("SELECT id FROM bound_texts WHERE " + guard("v") + " IS NOT NULL ORDER BY id");
		vector<int64_t> ids;
		for (idx_t row = 0; row < rows.RowCount(); row++) {
			ids.push_back(rows.GetValue(row, 0).GetValue<int64_t>());
		}
		return ids;
	}
};

TEST_P(CatalogPruningTest, TimestampTextIsKeptOnlyInDuckDBsForm) {
	// What DuckDB writes: no fraction, or fractional digits without trailing zeros.
	vector<string> texts {"2026-01-02 00:00:00",        "2026-01-02 00:00:00.5",   "2026-12-31 23:59:59.123456",
	                      // Equal to kept ones, but sorting after them as text: another writer's form.
	                      "2026-01-02 00:00:00.500000", "2026-01-02 00:00:00.0",   "2026-01-02 00:00:00.",
	                      // Not a 4-digit AD timestamp, or not only one.
	                      "2026-01-02",                 "infinity",                "10000-01-01 00:00:00",
	                      "2026-01-02 00:00:00 (BC)",   "2026-01-02 00:00:00+00",  "2026-01-02 00:00:00.5x",
	                      "2026-01-02 00:00:00.5 1",    "2026-01-02T00:00:00",     "2026-01-02 00:00:00:5"};
	auto ids = Kept(texts, [&](const string &v) { return CatalogPruning::TimeTextOrNull(GetParam(), v, true); });
	EXPECT_EQ(ids, (vector<int64_t> {0, 1, 2}));
}

TEST_P(CatalogPruningTest, DateTextIsKeptOnlyInDuckDBsForm) {
	vector<string> texts {"2026-01-02", "0999-01-01", "2026-01-02 00:00:00", "infinity", "10000-01-01",
	                      "2026-01-02 (BC)", "2026-1-2"};
	auto ids = Kept(texts, [&](const string &v) { return CatalogPruning::TimeTextOrNull(GetParam(), v, false); });
	EXPECT_EQ(ids, (vector<int64_t> {0, 1}));
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogPruningTest, testing::ValuesIn(TestBackends()), BackendName);

} // namespace
} // namespace duckdb
