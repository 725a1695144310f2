//! The schema's validation names the column at fault; CSV is read by header name, with
//! one error for missing columns and per-row errors carrying the physical line.

use wealthscore::Error;
use wealthscore::schema::{Column, ColumnSpec, ColumnType, Role, Schema, Table};

fn schema() -> Schema {
    Schema::from_json(
        r#"{
      "name": "test",
      "missing_values": ["NA", "?"],
      "columns": [
        {"name": "id", "type": "text", "role": "id"},
        {"name": "left", "type": "boolean", "role": "label"},
        {"name": "balance", "type": "number"},
        {"name": "calls", "type": "integer"},
        {"name": "plan", "type": "category", "levels": ["basic", "premium"]},
        {"name": "opened", "type": "date", "role": "info"},
        {"name": "active", "type": "boolean"}
      ]
    }"#,
    )
    .unwrap()
}

/// A table's row errors as (row, message).
fn row_errors(t: &Table) -> Vec<(usize, String)> {
    t.row_errors()
        .iter()
        .map(|(r, e)| (*r, e.to_string()))
        .collect()
}

fn config_field(json: &str) -> String {
    match Schema::from_json(json) {
        Err(Error::InvalidConfig { field, reason }) => format!("{field}: {reason}"),
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn schema_mistakes_that_would_pass_silently_are_refused() {
    // Two names a header cannot tell apart (headers match ignoring case).
    let case = config_field(
        r#"{"columns": [{"name": "balance", "type": "number"}, {"name": "Balance", "type": "number"}]}"#,
    );
    assert!(
        case.starts_with("columns[1] `Balance`") && case.contains("only in case"),
        "{case}"
    );
    // A second column for a meaning the client's value reads once.
    let aum = config_field(
        r#"{"columns": [{"name": "a", "type": "number", "meaning": "aum"},
                        {"name": "b", "type": "number", "meaning": "aum"}]}"#,
    );
    assert!(
        aum.starts_with("columns[1] `b`.meaning")
            && aum.contains("`a`")
            && aum.contains("`aum` is already"),
        "{aum}"
    );
    // Two survey columns are fine: that meaning only documents the column.
    assert!(
        Schema::from_json(
            r#"{"columns": [{"name": "a", "type": "number", "meaning": "survey"},
                        {"name": "b", "type": "number", "meaning": "survey"}]}"#
        )
        .is_ok()
    );
    // A range rule that can never fire, and a level that is not declared.
    let band = config_field(
        r#"{"columns": [{"name": "x", "type": "number"}],
            "warnings": [{"name": "odd", "column": "x", "min": 10, "max": 1}]}"#,
    );
    assert!(
        band.starts_with("warnings[0] `odd`") && band.contains("never"),
        "{band}"
    );
    let level = config_field(
        r#"{"columns": [{"name": "seg", "type": "category", "levels": ["BRN", "DIG"]}],
            "warnings": [{"name": "branch", "column": "seg", "levels": ["BRN", "zzz"]}]}"#,
    );
    assert!(
        level.starts_with("warnings[0] `branch`.levels") && level.contains("`zzz`"),
        "{level}"
    );
}

#[test]
fn validation_names_the_column_at_fault() {
    let dup = config_field(
        r#"{"columns": [{"name": "a", "type": "number"}, {"name": "a", "type": "number"}]}"#,
    );
    assert!(dup.starts_with("columns[1] `a`"), "{dup}");
    assert!(dup.contains("twice"), "{dup}");

    let label = config_field(
        r#"{"columns": [{"name": "a", "type": "number"},
                        {"name": "churn", "type": "category", "role": "label"}]}"#,
    );
    assert!(label.starts_with("columns[1] `churn`.type"), "{label}");
    assert!(label.contains("boolean"), "{label}");

    let onehot = config_field(
        r#"{"columns": [{"name": "age", "type": "number", "transform": {"one_hot": {}}}]}"#,
    );
    assert!(
        onehot.starts_with("columns[0] `age`.transform[0]"),
        "{onehot}"
    );

    let log = config_field(
        r#"{"columns": [{"name": "x", "type": "number"},
                        {"name": "plan", "type": "category", "transform": "log1p"}]}"#,
    );
    assert!(log.starts_with("columns[1] `plan`.transform[0]"), "{log}");

    let median = config_field(
        r#"{"columns": [{"name": "x", "type": "number"},
                        {"name": "plan", "type": "category", "missing": "median"}]}"#,
    );
    assert!(median.starts_with("columns[1] `plan`.missing"), "{median}");

    let derive = config_field(
        r#"{"columns": [{"name": "x", "type": "number"},
                        {"name": "d", "type": "number", "derive": {"ratio": ["x", "y"]}}]}"#,
    );
    assert!(
        derive.contains("`d`.derive") && derive.contains("`y`"),
        "{derive}"
    );

    let warn = config_field(
        r#"{"columns": [{"name": "x", "type": "number"}],
            "warnings": [{"name": "w", "column": "nope", "min": 1}]}"#,
    );
    assert!(warn.starts_with("warnings[0] `w`.column"), "{warn}");

    let features =
        config_field(r#"{"columns": [{"name": "x", "type": "number", "role": "info"}]}"#);
    assert!(
        features.contains("no column has role feature"),
        "{features}"
    );

    // Unknown roles and fields are parse errors naming the line and the bad word.
    match Schema::from_json(r#"{"columns": [{"name": "x", "type": "number", "role": "aum"}]}"#) {
        Err(Error::Parse { message, .. }) => assert!(message.contains("aum"), "{message}"),
        other => panic!("{other:?}"),
    }
    match Schema::from_json(r#"{"columns": [{"name": "x", "type": "number", "colour": 1}]}"#) {
        Err(Error::Parse { message, .. }) => assert!(message.contains("colour"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn schema_round_trips_and_hash_is_stable() {
    let s = schema();
    let back = Schema::from_json(&s.to_json().unwrap()).unwrap();
    assert_eq!(back, s);
    assert_eq!(back.hash(), s.hash());
    let mut other = s.clone();
    other.columns[2].unit = Some("EUR".into());
    assert_ne!(other.hash(), s.hash());
    // Built in code, the same schema.
    let built = Schema::new(vec![
        ColumnSpec::new("x", ColumnType::Number),
        ColumnSpec::new("y", ColumnType::Boolean).with_role(Role::Label),
    ]);
    built.validate().unwrap();
}

#[test]
fn reads_by_header_name_in_any_order_and_ignores_extra_columns() {
    let csv = "active,extra,plan,calls,balance,opened,left,id\n\
               yes,zz,basic,3,100.5,2020-02-29,1,A\n\
               no,zz,premium,0,-2,1999-12-31,No,B\n";
    let t = Table::read_csv(csv.as_bytes(), &schema()).unwrap();
    assert_eq!(t.n_rows(), 2);
    assert!(t.row_errors().is_empty());
    assert!(t.column("extra").is_none());
    assert_eq!(t.column("balance").unwrap().number(1), Some(-2.0));
    assert_eq!(t.column("active").unwrap().number(0), Some(1.0));
    assert_eq!(t.column("left").unwrap().number(1), Some(0.0));
    // 2020-02-29 is 18,321 days after 1970-01-01 (50 years × 365 + 12 leap days + 59).
    assert_eq!(t.column("opened").unwrap().number(0), Some(18_321.0));
    assert_eq!(
        t.column("opened").unwrap().display(1).unwrap(),
        "1999-12-31"
    );
    match t.column("plan").unwrap() {
        Column::Category(c) => {
            assert_eq!(c.levels(), &["basic".to_string(), "premium".to_string()]);
            assert_eq!(c.get(1), Some("premium"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(t.schema_hash(), Some(schema().hash().as_str()));
}

#[test]
fn a_missing_column_is_one_error_naming_all_absent_columns() {
    let csv = "id,balance,plan,opened\nA,1,basic,2020-01-01\n";
    match Table::read_csv(csv.as_bytes(), &schema()) {
        Err(Error::InvalidInput { field, value, .. }) => {
            assert_eq!(field, "CSV header");
            assert_eq!(value, "calls, active");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_header_naming_a_read_column_twice_is_refused() {
    // `Calls` and `calls` both match the schema's `calls`: which one is meant is unknown.
    let csv = "id,balance,calls,plan,opened,active,Calls\nA,1,2,basic,2020-01-01,y,3\n";
    match Table::read_csv(csv.as_bytes(), &schema()) {
        Err(Error::InvalidInput { field, value, .. }) => {
            assert_eq!(field, "CSV header");
            assert_eq!(value, "calls");
        }
        other => panic!("{other:?}"),
    }
    // Two spellings, neither exact: still ambiguous, not "absent".
    let csv = "id,balance,CALLS,plan,opened,active,Calls\nA,1,2,basic,2020-01-01,y,3\n";
    let err = Table::read_csv(csv.as_bytes(), &schema())
        .unwrap_err()
        .to_string();
    assert!(err.contains("more than once"), "{err}");
    // A column the schema does not read may repeat.
    let csv = "id,balance,calls,plan,opened,active,x,x\nA,1,2,basic,2020-01-01,y,1,2\n";
    assert!(Table::read_csv(csv.as_bytes(), &schema()).is_ok());
}

#[test]
fn a_short_row_is_its_rows_error_even_when_only_unread_columns_are_absent() {
    // Line 3 lacks `note`, which the schema does not read; line 4 is cut after `plan`.
    // The header's trailing delimiter names no column, so rows need not repeat it.
    let csv = "id,balance,calls,plan,opened,active,note,\n\
               A,1,2,basic,2020-01-01,y,x\n\
               B,1,2,basic,2020-01-01,y\n\
               C,1,2,basic\n";
    let t = Table::read_csv(csv.as_bytes(), &schema()).unwrap();
    let errs = row_errors(&t);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert_eq!(errs[0].0, 1);
    assert!(
        errs[0].1.contains("line 3") && errs[0].1.contains("6 fields"),
        "{errs:?}"
    );
    assert_eq!(errs[1].0, 2);
    assert!(errs[1].1.contains("line 4"), "{errs:?}");
}

#[test]
fn text_that_is_not_utf8_matters_only_in_a_column_the_schema_reads() {
    // A Windows-1252 export: `é` is the single byte 0xE9. The unread column `Région`
    // (header and cells) is ignored; in the read column `plan` it is its row's error.
    let mut csv = b"id,balance,calls,plan,opened,active,R\xe9gion\n".to_vec();
    csv.extend_from_slice(b"A,1,2,basic,2020-01-01,y,Montr\xe9al\n");
    csv.extend_from_slice(b"B,1,2,b\xe9sic,2020-01-01,y,Qu\xe9bec\n");
    csv.extend_from_slice(b"C,3,4,premium,2020-01-01,n,Laval\n");
    let t = Table::read_csv(&csv[..], &schema()).unwrap();
    assert_eq!(t.n_rows(), 3);
    let errs = row_errors(&t);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, 1);
    for part in ["line 3", "plan", "UTF-8", "iconv"] {
        assert!(errs[0].1.contains(part), "{part}: {errs:?}");
    }
    // A read column whose header name is not UTF-8 is absent, and the error says why.
    let csv = b"id,balance,calls,pl\xe4n,opened,active\nA,1,2,basic,2020-01-01,y\n";
    let e = Table::read_csv(&csv[..], &schema())
        .unwrap_err()
        .to_string();
    assert!(e.contains("plan") && e.contains("not UTF-8"), "{e}");
}

#[test]
fn number_ids_must_read_back_as_written_and_values_stay_below_1e100() {
    let schema = Schema::from_json(
        r#"{"columns": [
            {"name": "id", "type": "integer", "role": "id"},
            {"name": "balance", "type": "number"}
        ]}"#,
    )
    .unwrap();
    // 2^53 + 7 = 9007199254740999 is not an f64: it would read as …1000. A leading zero
    // would be dropped. 1e308 is a placeholder, not a balance.
    let csv = "id,balance\n17,1e99\n00001975,1\n9007199254740999,1\n12.5,1\n18,1e308\n";
    let t = Table::read_csv(csv.as_bytes(), &schema).unwrap();
    let errs = row_errors(&t);
    assert_eq!(
        errs.iter().map(|e| e.0).collect::<Vec<_>>(),
        [1, 2, 3, 4],
        "{errs:?}"
    );
    for (_, e) in &errs[..3] {
        assert!(e.contains(r#""type": "text""#), "{e}");
    }
    assert!(
        errs[3].1.contains("line 6") && errs[3].1.contains("1e100"),
        "{errs:?}"
    );
    let ids = t.column("id").unwrap();
    assert_eq!(ids.display(0).as_deref(), Some("17"));
    // Huge values print in scientific notation, not as a hundred digits.
    assert_eq!(
        t.column("balance").unwrap().display(0).as_deref(),
        Some("1e99")
    );
}

#[test]
fn crlf_files_name_the_physical_line_of_a_bad_row() {
    // Line 3 holds `zz` for a number: the same line with `\r\n` and `\n` endings.
    for eol in ["\r\n", "\n"] {
        let csv = [
            "id,balance,calls,plan,opened,active",
            "A,1,2,basic,2020-01-01,y",
            "B,zz,2,basic,2020-01-01,y",
            "C,1,2,basic,2020-01-01,y",
        ]
        .join(eol)
            + eol;
        let t = Table::read_csv(csv.as_bytes(), &schema()).unwrap();
        let errs = t.row_errors();
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].1.to_string().contains("line 3: balance"),
            "{eol:?}: {}",
            errs[0].1
        );
    }
}

#[test]
fn a_quote_left_open_fails_the_read_instead_of_swallowing_the_rows_after_it() {
    // Line 3 opens a quote in a column the schema does not read and never closes it:
    // without the check, lines 3-5 would be one row.
    let csv = "id,balance,calls,plan,opened,active,note\n\
               A,1,2,basic,2020-01-01,y,ok\n\
               B,1,2,basic,2020-01-01,y,\"said \"\"I will leave\n\
               C,1,2,basic,2020-01-01,y,ok\n\
               D,1,2,basic,2020-01-01,y,ok\n";
    let err = Table::read_csv(csv.as_bytes(), &schema())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 3") && err.contains("`note`") && err.contains("not closed"),
        "{err}"
    );
    // A closed quoted field may span lines, in the last row too.
    let csv = "id,balance,calls,plan,opened,active,note\n\
               A,1,2,basic,2020-01-01,y,\"two\nlines\"\n\
               B,1,2,basic,2020-01-01,y,\"said \"\"bye\"\"\nthen left\"\n";
    let t = Table::read_csv(csv.as_bytes(), &schema()).unwrap();
    assert_eq!(t.n_rows(), 2);
    assert!(t.row_errors().is_empty());
    // A stray quote inside a cell (odd quotes in the file) before a closed multi-line
    // field in the last row: nothing is swallowed, so nothing is refused.
    let csv = "id,balance,calls,plan,opened,active,note\n\
               A,1,2,basic,2020-01-01,y,a 12\" screen\n\
               B,1,2,basic,2020-01-01,y,\"two\nlines\"\n";
    let t = Table::read_csv(csv.as_bytes(), &schema()).unwrap();
    assert_eq!(t.n_rows(), 2);
    assert!(t.row_errors().is_empty(), "{:?}", t.row_errors());
    // A quote opened on line 3 and closed by a stray one on line 5: lines 4 and 5 are
    // inside line 3's cell. That row is an error saying so; line 6 reads.
    let csv = "id,balance,calls,plan,opened,active,note\n\
               A,1,2,basic,2020-01-01,y,ok\n\
               B,1,2,basic,2020-01-01,y,\"said \"\"I will leave\n\
               C,1,2,basic,2020-01-01,y,ok\n\
               D,1,2,basic,2020-01-01,y,ok\"\n\
               E,1,2,basic,2020-01-01,y,ok\n";
    let t = Table::read_csv(csv.as_bytes(), &schema()).unwrap();
    assert_eq!(t.n_rows(), 3);
    let errs = row_errors(&t);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, 1);
    assert!(
        errs[0].1.contains("line 3: note") && errs[0].1.contains("2 lines shaped like rows"),
        "{errs:?}"
    );
}

#[test]
fn a_row_with_cells_past_the_header_is_an_error_of_its_row() {
    // Line 3 has an eighth cell (a shifted row); line 4 only a trailing delimiter.
    let csv = "id,balance,calls,plan,opened,active\n\
               A,1,2,basic,2020-01-01,y\n\
               B,1,2,basic,2020-01-01,y,oops\n\
               C,1,2,basic,2020-01-01,y,\n";
    let t = Table::read_csv(csv.as_bytes(), &schema()).unwrap();
    assert_eq!(t.n_rows(), 3);
    let errs = t.row_errors();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, 1);
    let e = errs[0].1.to_string();
    assert!(e.contains("line 3") && e.contains("7 fields"), "{e}");
    // An unquoted decimal comma shifts every later cell, so `active` reads `basic`: the
    // field count is named, not the cell the shift broke.
    let csv = "id,balance,calls,plan,opened,active\n\
               A,1,5,2,basic,2020-01-01,y\n";
    let t = Table::read_csv(csv.as_bytes(), &schema()).unwrap();
    let e = t.row_errors()[0].1.to_string();
    assert!(e.contains("7 fields") && e.contains("decimal comma"), "{e}");
}

#[test]
fn the_label_may_be_absent_and_headers_match_case_insensitively() {
    let csv = "ID,Balance,Calls,Plan,Opened,Active\nA,1,2,basic,2020-01-01,true\n";
    let t = Table::read_csv(csv.as_bytes(), &schema()).unwrap();
    assert!(t.column("left").is_none());
    assert_eq!(t.column("calls").unwrap().number(0), Some(2.0));
}

#[test]
fn bad_cells_are_errors_of_their_row_with_the_physical_line() {
    // Line 3 holds a quoted id spanning two lines, so the bad cell of the third record
    // sits on physical line 5.
    let csv = "id,left,balance,calls,plan,opened,active\n\
               A,0,1,2,basic,2020-01-01,y\n\
               \"B\nB\",1,2,3,premium,2020-01-02,n\n\
               C,0,abc,1,basic,2020-01-03,y\n\
               D,0,1,2.5,basic,2020-01-04,y\n\
               E,0,1,2,gold,2020-01-05,y\n\
               F,0,1,2,basic,2020-02-30,y\n\
               G,0,NA,?,,2020-01-06,maybe\n\
               H,0,inf,2,basic,2020-01-07,y\n\
               I,0,1\n";
    let t = Table::read_csv(csv.as_bytes(), &schema()).unwrap();
    assert_eq!(t.n_rows(), 9);
    let errs = row_errors(&t);
    let rows: Vec<usize> = errs.iter().map(|(r, _)| *r).collect();
    assert_eq!(rows, vec![2, 3, 4, 5, 6, 7, 8], "{errs:?}");
    assert!(
        errs[0].1.contains("line 5: balance") && errs[0].1.contains("abc"),
        "{errs:?}"
    );
    assert!(
        errs[1].1.contains("line 6: calls") && errs[1].1.contains("whole"),
        "{errs:?}"
    );
    assert!(
        errs[2].1.contains("line 7: plan") && errs[2].1.contains("gold"),
        "{errs:?}"
    );
    assert!(errs[3].1.contains("line 8: opened"), "{errs:?}");
    // Missing tokens are missing, not errors; the boolean is the error of line 9.
    assert!(errs[4].1.contains("line 9: active"), "{errs:?}");
    assert!(
        errs[5].1.contains("line 10: balance") && errs[5].1.contains("finite"),
        "{errs:?}"
    );
    assert!(errs[6].1.contains("line 11"), "{errs:?}");
    // The good rows are untouched.
    assert_eq!(t.column("balance").unwrap().number(1), Some(2.0));
    assert_eq!(t.column("id").unwrap().display(1).unwrap(), "B\nB");
    assert!(t.column("balance").unwrap().number(6).is_none());
    assert_eq!(t.row_label(2), "line 5");
    // Taking rows keeps their errors and lines.
    let s = t.take(&[2, 0]).unwrap();
    assert_eq!(s.row_errors().len(), 1);
    assert_eq!(s.row_errors()[0].0, 0);
    assert_eq!(s.row_label(0), "line 5");
}

/// Labels spelled in the data's own words (as in the public "BankChurners" file's
/// `Attrition_Flag`): `true_values` / `false_values`, as pandas' `read_csv` takes them.
#[test]
fn boolean_columns_read_their_own_spellings_of_true_and_false() {
    let schema = Schema::from_json(
        r#"{"columns": [
        {"name": "Attrition_Flag", "type": "boolean", "role": "label",
         "true_values": ["Attrited Customer"], "false_values": ["Existing Customer"]},
        {"name": "calls", "type": "integer"}]}"#,
    )
    .unwrap();
    let csv = "Attrition_Flag,calls\nAttrited Customer,3\n existing customer ,1\nyes,2\nGone,4\n";
    let t = Table::read_csv(csv.as_bytes(), &schema).unwrap();
    let label = t.column("Attrition_Flag").unwrap();
    // The built-in spellings still read; case and surrounding blanks are ignored.
    assert_eq!(
        (0..3).map(|i| label.number(i)).collect::<Vec<_>>(),
        [Some(1.0), Some(0.0), Some(1.0)]
    );
    // A spelling in neither list is an error of its row (line 5) that names the lists.
    let (row, err) = &t.row_errors()[0];
    assert_eq!(*row, 3);
    let msg = err.to_string();
    assert!(
        msg.contains("line 5") && msg.contains("Attrited Customer"),
        "{msg}"
    );

    for (bad, want) in [
        (
            r#""type": "integer", "true_values": ["x"]"#,
            "only boolean columns",
        ),
        (
            r#""type": "boolean", "true_values": ["a"], "false_values": ["A"]"#,
            "also in true_values",
        ),
        (
            r#""type": "boolean", "true_values": [" "]"#,
            "empty spelling",
        ),
    ] {
        let json = format!(r#"{{"columns": [{{"name": "f", {bad}}}]}}"#);
        let e = Schema::from_json(&json).unwrap_err().to_string();
        assert!(e.contains(want), "{bad}: {e}");
    }
}

/// The usual continental European spreadsheet export: `;` between fields, a decimal comma
/// and `.` between thousands.
#[test]
fn csv_format_reads_semicolons_and_decimal_commas() {
    let json = |csv: &str| {
        format!(
            r#"{{{csv}"columns": [{{"name": "id", "type": "text", "role": "id"}},
            {{"name": "balance", "type": "number"}}, {{"name": "calls", "type": "integer"}}]}}"#
        )
    };
    let schema = Schema::from_json(&json(
        r#""csv": {"delimiter": ";", "decimal": ",", "thousands": "."}, "#,
    ))
    .unwrap();
    let t = Table::read_csv(
        "id;balance;calls\nA;1.234.567,89;3\nB;-0,5;1.000\n".as_bytes(),
        &schema,
    )
    .unwrap();
    assert!(t.row_errors().is_empty(), "{:?}", t.row_errors());
    let bal = t.column("balance").unwrap();
    assert_eq!(
        (bal.number(0), bal.number(1)),
        (Some(1_234_567.89), Some(-0.5))
    );
    assert_eq!(t.column("calls").unwrap().number(1), Some(1000.0));

    // Read with the default format, the same file is one column, and the error says so.
    let plain = Schema::from_json(&json("")).unwrap();
    let err = Table::read_csv("id;balance;calls\nA;1;2\n".as_bytes(), &plain)
        .unwrap_err()
        .to_string();
    assert!(err.contains(r#""csv": {"delimiter": ";"}"#), "{err}");
    // A schema without the key serialises (and hashes) as before it existed.
    assert!(!plain.to_json().unwrap().contains("csv"));

    for (bad, field) in [
        (
            r#""csv": {"delimiter": ",", "decimal": ","}, "#,
            "csv.decimal",
        ),
        (r#""csv": {"decimal": ";"}, "#, "csv.decimal"),
        (r#""csv": {"delimiter": "é"}, "#, "csv.delimiter"),
        (
            r#""csv": {"delimiter": ";", "decimal": ",", "thousands": ","}, "#,
            "csv.thousands",
        ),
        (
            r#""csv": {"separator": ";"}, "#,
            "unknown field `separator`",
        ),
    ] {
        let e = Schema::from_json(&json(bad)).unwrap_err().to_string();
        assert!(e.contains(field), "{bad}: {e}");
    }
}
