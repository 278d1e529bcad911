//! Two tokens side by side: which claims differ (before and after a
//! refresh, or the same client in two environments).

use serde::Serialize;
use serde_json::Value;

use super::jose::JsonObject;

/// One claim of the comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClaimDiff {
    /// The claim name.
    pub name: String,
    /// Its value in the left token, compact JSON; `None` when absent.
    pub left: Option<String>,
    /// Its value in the right token.
    pub right: Option<String>,
}

impl ClaimDiff {
    /// Whether the two sides differ.
    pub fn differs(&self) -> bool {
        self.left != self.right
    }
}

/// Every claim of either token, left's order first, then right's extras.
pub fn compare(left: &JsonObject, right: &JsonObject) -> Vec<ClaimDiff> {
    let show = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut rows: Vec<ClaimDiff> = left
        .iter()
        .map(|(name, value)| ClaimDiff {
            name: name.clone(),
            left: Some(show(value)),
            right: right.get(name).map(show),
        })
        .collect();
    rows.extend(
        right
            .iter()
            .filter(|(name, _)| !left.contains_key(*name))
            .map(|(name, value)| ClaimDiff {
                name: name.clone(),
                left: None,
                right: Some(show(value)),
            }),
    );
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_and_one_sided_claims() {
        let left: JsonObject =
            serde_json::from_str(r#"{"sub":"a","exp":1,"jti":"x"}"#).expect("json");
        let right: JsonObject =
            serde_json::from_str(r#"{"sub":"a","exp":2,"sid":"s"}"#).expect("json");
        let rows = compare(&left, &right);
        let differing: Vec<&str> = rows
            .iter()
            .filter(|r| r.differs())
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(differing, ["exp", "jti", "sid"]);
        assert_eq!(rows[2].right, None);
        assert_eq!(rows[3].left, None);
    }
}
