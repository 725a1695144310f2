//! One basket of products per client, from lists, client records, a transaction log or a
//! 0/1 table.

use crate::client::{ClientRecord, Holdings};
use crate::error::{Error, Result};
use crate::schema::{Column, Table};
use ndarray::ArrayView2;
use std::collections::HashMap;

/// Most distinct products accepted; more is almost surely a key column read as products.
pub const MAX_ITEMS: usize = 100_000;
/// Most baskets accepted (item ids and counts are 32-bit inside).
pub const MAX_BASKETS: usize = u32::MAX as usize;

/// Baskets of products, one per client, with products numbered `0..items().len()` in
/// alphabetical order of their names (the column order of mlxtend's `TransactionEncoder`).
///
/// Empty baskets are allowed: they count in the number of baskets, the denominator of
/// every support. A product twice in one basket is an error for lists and tables (it
/// points to a join gone wrong); a transaction log repeats products by nature, so
/// [`Baskets::from_transactions`] keeps each (client, product) once.
///
/// ```
/// use wealthscore::assoc::Baskets;
/// let b = Baskets::from_lists(&[vec!["funds", "deposits"], vec![]])?;
/// assert_eq!(b.len(), 2);
/// assert_eq!(b.items(), ["deposits", "funds"]);
/// assert_eq!(b.basket(0), Some(&[0, 1][..]));
/// assert!(Baskets::from_lists(&[vec!["funds", "funds"]]).is_err());
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baskets {
    items: Vec<String>,
    /// Basket `i` is `ids[offsets[i]..offsets[i + 1]]`, sorted ascending.
    offsets: Vec<usize>,
    ids: Vec<u32>,
}

fn check_name(name: &str, at: impl FnOnce() -> String) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::invalid(
            at(),
            "\"\"",
            "a product name must not be empty",
        ));
    }
    Ok(())
}

fn check_sizes(baskets: usize, items: usize) -> Result<()> {
    if baskets > MAX_BASKETS {
        return Err(Error::invalid(
            "baskets",
            baskets,
            format!("more than {MAX_BASKETS} baskets: mine a sample or partition"),
        ));
    }
    if items > MAX_ITEMS {
        return Err(Error::invalid(
            "products",
            items,
            format!("more than {MAX_ITEMS} distinct products: is a key column read as products?"),
        ));
    }
    Ok(())
}

impl Baskets {
    /// Baskets from lists of product names, one list per client.
    ///
    /// Errors: no basket at all, an empty product name, a product twice in a basket
    /// (named by basket and position), or more than [`MAX_ITEMS`] distinct products.
    ///
    /// ```
    /// use wealthscore::{Error, assoc::Baskets};
    /// let e = Baskets::from_lists(&[vec!["funds"], vec!["deposits", "deposits"]]).unwrap_err();
    /// assert!(matches!(e, Error::InvalidInput { field, .. } if field == "baskets[1][1]"));
    /// ```
    pub fn from_lists<B, S>(baskets: &[B]) -> Result<Self>
    where
        B: AsRef<[S]>,
        S: AsRef<str>,
    {
        if baskets.is_empty() {
            return Err(Error::Empty {
                what: "baskets".into(),
            });
        }
        check_sizes(baskets.len(), 0)?;
        let mut names: Vec<&str> = Vec::new();
        for (i, b) in baskets.iter().enumerate() {
            for (j, p) in b.as_ref().iter().enumerate() {
                check_name(p.as_ref(), || format!("baskets[{i}][{j}]"))?;
                names.push(p.as_ref());
            }
        }
        names.sort_unstable();
        names.dedup();
        check_sizes(baskets.len(), names.len())?;
        let index: HashMap<&str, u32> = names
            .iter()
            .enumerate()
            .map(|(k, &n)| (n, k as u32))
            .collect();
        let mut offsets = Vec::with_capacity(baskets.len() + 1);
        offsets.push(0);
        let mut ids = Vec::new();
        for (i, b) in baskets.iter().enumerate() {
            let start = ids.len();
            for p in b.as_ref() {
                ids.push(index.get(p.as_ref()).copied().unwrap_or_default());
            }
            let basket = &mut ids[start..];
            basket.sort_unstable();
            if let Some(w) = basket.windows(2).position(|w| w[0] == w[1]) {
                let dup = names.get(basket[w] as usize).copied().unwrap_or_default();
                let j = b
                    .as_ref()
                    .iter()
                    .rposition(|p| p.as_ref() == dup)
                    .unwrap_or(0);
                return Err(Error::invalid(
                    format!("baskets[{i}][{j}]"),
                    dup,
                    "product appears twice in the basket; give each product once",
                ));
            }
            offsets.push(ids.len());
        }
        Ok(Baskets {
            items: names.into_iter().map(str::to_string).collect(),
            offsets,
            ids,
        })
    }

    /// One basket per client: the product categories of [`Holdings::NAMES`] with a
    /// positive amount. A client holding nothing gives an empty basket.
    ///
    /// ```
    /// use wealthscore::{ClientRecord, assoc::Baskets};
    /// let b = Baskets::from_records(&[ClientRecord::example()])?;
    /// let held: Vec<&str> = b.basket(0).unwrap().iter().map(|&i| b.items()[i as usize].as_str()).collect();
    /// assert_eq!(held, ["deposits", "funds", "insurance", "wealth_products"]);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn from_records(clients: &[ClientRecord]) -> Result<Self> {
        Self::from_holdings(clients.iter().map(|c| &c.holdings))
    }

    /// Like [`Baskets::from_records`], from the holdings alone; the products are always
    /// the six categories (so rules mined on one book apply to another).
    pub fn from_holdings<'a>(holdings: impl IntoIterator<Item = &'a Holdings>) -> Result<Self> {
        let mut names: Vec<(usize, &str)> = Holdings::NAMES.iter().copied().enumerate().collect();
        names.sort_unstable_by_key(|&(_, n)| n);
        let mut offsets = vec![0];
        let mut ids = Vec::new();
        for (i, h) in holdings.into_iter().enumerate() {
            let amounts = h.amounts();
            for (id, &(k, name)) in names.iter().enumerate() {
                let a = amounts.get(k).copied().unwrap_or(0.0);
                if !a.is_finite() {
                    return Err(Error::NonFinite {
                        field: format!("clients[{i}].holdings.{name}"),
                    });
                }
                if a > 0.0 {
                    ids.push(id as u32);
                }
            }
            offsets.push(ids.len());
        }
        if offsets.len() == 1 {
            return Err(Error::Empty {
                what: "clients".into(),
            });
        }
        check_sizes(offsets.len() - 1, 0)?;
        Ok(Baskets {
            items: names.iter().map(|&(_, n)| n.to_string()).collect(),
            offsets,
            ids,
        })
    }

    /// Baskets from a transaction log of `(client id, product)` rows, one basket per
    /// client in order of first appearance; the client ids are returned alongside.
    /// A product bought twice by one client is kept once.
    ///
    /// ```
    /// use wealthscore::assoc::Baskets;
    /// let log = [("C1", "funds"), ("C2", "deposits"), ("C1", "deposits"), ("C1", "funds")];
    /// let (clients, b) = Baskets::from_transactions(log)?;
    /// assert_eq!(clients, ["C1", "C2"]);
    /// assert_eq!(b.basket(0), Some(&[0, 1][..]));
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn from_transactions<I, C, P>(log: I) -> Result<(Vec<String>, Self)>
    where
        I: IntoIterator<Item = (C, P)>,
        C: AsRef<str>,
        P: AsRef<str>,
    {
        let mut clients: Vec<String> = Vec::new();
        let mut client_index: HashMap<String, usize> = HashMap::new();
        let mut baskets: Vec<Vec<String>> = Vec::new();
        for (row, (c, p)) in log.into_iter().enumerate() {
            let (c, p) = (c.as_ref(), p.as_ref());
            if c.trim().is_empty() {
                return Err(Error::invalid(
                    format!("transactions[{row}].client"),
                    "\"\"",
                    "a client id must not be empty",
                ));
            }
            check_name(p, || format!("transactions[{row}].product"))?;
            let k = match client_index.get(c) {
                Some(&k) => k,
                None => {
                    check_sizes(clients.len() + 1, 0)?;
                    client_index.insert(c.to_string(), clients.len());
                    clients.push(c.to_string());
                    baskets.push(Vec::new());
                    clients.len() - 1
                }
            };
            if let Some(b) = baskets.get_mut(k)
                && !b.iter().any(|q| q == p)
            {
                b.push(p.to_string());
            }
        }
        if clients.is_empty() {
            return Err(Error::Empty {
                what: "transactions".into(),
            });
        }
        Ok((clients, Self::from_lists(&baskets)?))
    }

    /// Baskets from a table with one 0/1 column per product (rows are clients), as
    /// mlxtend takes it. `products` names the columns.
    ///
    /// ```
    /// use wealthscore::assoc::Baskets;
    /// let m = ndarray::array![[true, false], [true, true], [false, false]];
    /// let b = Baskets::from_indicator(&["funds", "deposits"], m.view())?;
    /// assert_eq!(b.items(), ["deposits", "funds"]);
    /// assert_eq!(b.basket(1), Some(&[0, 1][..]));
    /// assert_eq!(b.basket(2), Some(&[][..]));
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn from_indicator<S: AsRef<str>>(
        products: &[S],
        table: ArrayView2<'_, bool>,
    ) -> Result<Self> {
        if products.len() != table.ncols() {
            return Err(Error::dims(
                "product names vs columns of the table",
                table.ncols(),
                products.len(),
            ));
        }
        if table.nrows() == 0 {
            return Err(Error::Empty {
                what: "table rows".into(),
            });
        }
        check_sizes(table.nrows(), products.len())?;
        let mut order: Vec<usize> = (0..products.len()).collect();
        for (j, p) in products.iter().enumerate() {
            check_name(p.as_ref(), || format!("products[{j}]"))?;
        }
        order.sort_unstable_by(|&a, &b| products[a].as_ref().cmp(products[b].as_ref()));
        if let Some(w) = order
            .windows(2)
            .find(|w| products[w[0]].as_ref() == products[w[1]].as_ref())
        {
            return Err(Error::invalid(
                format!("products[{}]", w[0].max(w[1])),
                products[w[0]].as_ref(),
                "column name appears twice; give each product one column",
            ));
        }
        let mut offsets = Vec::with_capacity(table.nrows() + 1);
        offsets.push(0);
        let mut ids = Vec::new();
        for row in table.rows() {
            for (id, &col) in order.iter().enumerate() {
                if row.get(col).copied().unwrap_or(false) {
                    ids.push(id as u32);
                }
            }
            offsets.push(ids.len());
        }
        Ok(Baskets {
            items: order
                .iter()
                .map(|&j| products[j].as_ref().to_string())
                .collect(),
            offsets,
            ids,
        })
    }

    /// Like [`Baskets::from_indicator`] for numeric 0/1 tables; any other value is an
    /// error naming its row and column.
    ///
    /// ```
    /// use wealthscore::assoc::Baskets;
    /// let m = ndarray::array![[1.0, 0.0], [1.0, 2.0]];
    /// assert!(Baskets::from_indicator_01(&["a", "b"], m.view()).is_err());
    /// ```
    pub fn from_indicator_01<S: AsRef<str>>(
        products: &[S],
        table: ArrayView2<'_, f64>,
    ) -> Result<Self> {
        let mut bools = ndarray::Array2::from_elem(table.dim(), false);
        for ((r, c), &v) in table.indexed_iter() {
            if v == 1.0 {
                bools[(r, c)] = true;
            } else if v != 0.0 {
                let name = products.get(c).map_or("?", |p| p.as_ref());
                return Err(Error::invalid(
                    format!("table[{r}][{c}] ({name})"),
                    v,
                    "must be 0 or 1",
                ));
            }
        }
        Self::from_indicator(products, bools.view())
    }

    /// Baskets from a schema-driven [`Table`] with one 0/1 column per product (numbers
    /// or booleans), named in `products`. A missing cell, a value other than 0/1, a
    /// column of another type or a row the reader rejected is an error naming the column
    /// and the row (its CSV line when read from CSV).
    ///
    /// ```
    /// use wealthscore::schema::{Column, Table, Values};
    /// use wealthscore::assoc::Baskets;
    /// let t = Table::from_columns(vec![
    ///     ("funds".into(), Column::Boolean(Values::new(vec![true, false], None)?)),
    ///     ("deposits".into(), Column::Number(Values::new(vec![1.0, 1.0], None)?)),
    /// ])?;
    /// let b = Baskets::from_table(&t, &["funds", "deposits"])?;
    /// assert_eq!(b.basket(0), Some(&[0, 1][..]));
    /// assert!(Baskets::from_table(&t, &["bonds"]).is_err());
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn from_table<S: AsRef<str>>(table: &Table, products: &[S]) -> Result<Self> {
        let rows = table.n_rows();
        if let Some((i, e)) = table.row_errors().first() {
            return Err(Error::invalid(
                table.row_label(*i),
                "rejected row",
                format!("the reader rejected this row ({e}); fix or drop it first"),
            ));
        }
        let mut bools = ndarray::Array2::from_elem((rows, products.len()), false);
        for (j, p) in products.iter().enumerate() {
            let name = p.as_ref();
            let col = table.column(name).ok_or_else(|| {
                Error::invalid(
                    format!("products[{j}]"),
                    name,
                    "no such column in the table",
                )
            })?;
            if !matches!(col, Column::Number(_) | Column::Boolean(_)) {
                return Err(Error::invalid(
                    name,
                    col.type_name(),
                    "a product column must hold numbers or booleans (0/1)",
                ));
            }
            for i in 0..rows {
                let held = match col.number(i) {
                    Some(1.0) => true,
                    Some(0.0) => false,
                    Some(v) => {
                        return Err(Error::invalid(
                            format!("{name} ({})", table.row_label(i)),
                            v,
                            "must be 0 or 1",
                        ));
                    }
                    None => {
                        return Err(Error::invalid(
                            format!("{name} ({})", table.row_label(i)),
                            "missing",
                            "give 0 or 1: a missing holding is not a basket",
                        ));
                    }
                };
                bools[(i, j)] = held;
            }
        }
        Self::from_indicator(products, bools.view())
    }

    /// Baskets from a [`Table`] column holding each client's products as one text cell,
    /// separated by `separator` (e.g. `funds;deposits`); an empty cell is a client with
    /// no product, a missing cell an error naming the row.
    ///
    /// ```
    /// use wealthscore::schema::{Column, Table, Values};
    /// use wealthscore::assoc::Baskets;
    /// let cells = vec!["funds;deposits".to_string(), String::new()];
    /// let t = Table::from_columns(vec![("products".into(), Column::Text(Values::new(cells, None)?))])?;
    /// let b = Baskets::from_table_lists(&t, "products", ';')?;
    /// assert_eq!(b.basket(0), Some(&[0, 1][..]));
    /// assert_eq!(b.basket(1), Some(&[][..]));
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn from_table_lists(table: &Table, column: &str, separator: char) -> Result<Self> {
        let col = table
            .column(column)
            .ok_or_else(|| Error::invalid("column", column, "no such column in the table"))?;
        if !matches!(col, Column::Text(_) | Column::Category(_)) {
            return Err(Error::invalid(
                column,
                col.type_name(),
                "a column of product lists must hold text",
            ));
        }
        let mut lists = Vec::with_capacity(table.n_rows());
        for i in 0..table.n_rows() {
            let cell = col.display(i).ok_or_else(|| {
                Error::invalid(
                    format!("{column} ({})", table.row_label(i)),
                    "missing",
                    "give an empty cell for a client with no product",
                )
            })?;
            let items: Vec<String> = if cell.trim().is_empty() {
                Vec::new()
            } else {
                cell.split(separator)
                    .map(|p| p.trim().to_string())
                    .collect()
            };
            lists.push(items);
        }
        Self::from_lists(&lists).map_err(|e| {
            e.within(|f| {
                // baskets[i][j] → the column and row the user knows.
                let row = f
                    .strip_prefix("baskets[")
                    .and_then(|r| r.split(']').next())
                    .and_then(|r| r.parse::<usize>().ok());
                match row {
                    Some(i) => format!("{column} ({})", table.row_label(i)),
                    None => f.to_string(),
                }
            })
        })
    }

    /// Number of baskets (clients), empty ones included.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether there is no basket (never true for a constructed value).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Product names; a product's id is its index here.
    pub fn items(&self) -> &[String] {
        &self.items
    }

    /// The product ids of basket `i`, ascending.
    pub fn basket(&self, i: usize) -> Option<&[u32]> {
        let (&a, &b) = (self.offsets.get(i)?, self.offsets.get(i + 1)?);
        self.ids.get(a..b)
    }

    /// The id of a product name.
    pub fn item_id(&self, name: &str) -> Option<u32> {
        self.items
            .binary_search_by(|p| p.as_str().cmp(name))
            .ok()
            .map(|i| i as u32)
    }

    /// Every basket, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u32]> + '_ {
        self.offsets
            .windows(2)
            .map(move |w| self.ids.get(w[0]..w[1]).unwrap_or(&[]))
    }
}
