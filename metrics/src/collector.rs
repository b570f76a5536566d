//! Per-frame feature scores keyed by name, in first-append order (libvmaf's feature collector).

use crate::error::{Error, Result};
use std::collections::HashMap;

/// Stores every per-frame score and aggregate metric of a run.
///
/// Names keep the order in which they were first written, which is the order libvmaf's
/// writers print them in.
#[derive(Debug, Clone, Default)]
pub struct Collector {
    names: Vec<String>,
    index: HashMap<String, usize>,
    values: Vec<Vec<Option<f64>>>,
    aggregates: Vec<(String, f64)>,
}

impl Collector {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }
    /// Writes `value` for `name` at frame `index`; writing the same (name, index) twice is an error.
    pub fn append(&mut self, name: &str, index: usize, value: f64) -> Result<()> {
        let slot = match self.index.get(name) {
            Some(&s) => s,
            None => {
                self.names.push(name.to_string());
                self.index.insert(name.to_string(), self.names.len() - 1);
                self.values.push(Vec::new());
                self.names.len() - 1
            }
        };
        let v = &mut self.values[slot];
        if v.len() <= index {
            v.resize(index + 1, None);
        }
        if v[index].is_some() {
            return Err(Error::invalid(format!(
                "feature \"{name}\" cannot be overwritten at index {index}"
            )));
        }
        v[index] = Some(value);
        Ok(())
    }
    /// The score of `name` at `index`, if written.
    pub fn get(&self, name: &str, index: usize) -> Option<f64> {
        let s = *self.index.get(name)?;
        self.values[s].get(index).copied().flatten()
    }
    /// True when `name` has been written at least once.
    pub fn contains(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }
    /// Feature names in first-append order.
    pub fn names(&self) -> &[String] {
        &self.names
    }
    /// All values of `name` (index → value, `None` where not written).
    pub fn series(&self, name: &str) -> Option<&[Option<f64>]> {
        self.index.get(name).map(|&s| self.values[s].as_slice())
    }
    /// One past the highest index written for any feature.
    pub fn frame_count(&self) -> usize {
        self.values.iter().map(|v| v.len()).max().unwrap_or(0)
    }
    /// Sets an aggregate metric (e.g. `apsnr_y`); re-setting with a different value is an error.
    pub fn set_aggregate(&mut self, name: &str, value: f64) -> Result<()> {
        if let Some((_, v)) = self.aggregates.iter().find(|(n, _)| n == name) {
            if v.to_bits() == value.to_bits() {
                return Ok(());
            }
            return Err(Error::invalid(format!(
                "aggregate \"{name}\" cannot be overwritten"
            )));
        }
        self.aggregates.push((name.to_string(), value));
        Ok(())
    }
    /// Aggregate metrics in insertion order.
    pub fn aggregates(&self) -> &[(String, f64)] {
        &self.aggregates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_overwrite() {
        let mut c = Collector::new();
        c.append("b", 0, 1.0).unwrap();
        c.append("a", 0, 2.0).unwrap();
        c.append("b", 2, 3.0).unwrap();
        assert_eq!(c.names(), &["b".to_string(), "a".to_string()]);
        assert_eq!(c.get("b", 2), Some(3.0));
        assert_eq!(c.get("b", 1), None);
        assert!(c.append("b", 0, 5.0).is_err());
        assert_eq!(c.frame_count(), 3);
    }
}
