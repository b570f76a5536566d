//! libsvm regression models (nu-SVR / epsilon-SVR) in libsvm's text format.
//!
//! Prediction follows libsvm's `svm_predict_values` exactly: support vectors in file order,
//! the sparse kernel evaluation in index order, `sum -= rho`.

/// Kernel of an SVM model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kernel {
    /// `x·y`.
    Linear,
    /// `(gamma x·y + coef0)^degree`.
    Poly {
        /// Degree.
        degree: i32,
    },
    /// `exp(-gamma |x-y|²)`.
    Rbf,
    /// `tanh(gamma x·y + coef0)`.
    Sigmoid,
}

/// A parsed libsvm regression model.
#[derive(Debug, Clone)]
pub struct Svm {
    kernel: Kernel,
    gamma: f64,
    coef0: f64,
    rho: f64,
    coefs: Vec<f64>,
    /// Support vectors as sparse (index, value) lists.
    svs: Vec<Vec<(i32, f64)>>,
}

fn tok_err(what: &str) -> String {
    format!("libsvm model: {what}")
}

impl Svm {
    /// Parses libsvm's text model (`svm_type nu_svr`, `kernel_type rbf`, ..., `SV`, then one
    /// support vector per line). Only regression models (nu_svr, epsilon_svr) are accepted.
    pub fn parse(text: &str) -> Result<Svm, String> {
        let mut lines = text.lines();
        let mut svm_type = None;
        let mut kernel = None;
        let mut degree = 3;
        let mut gamma = 0.0;
        let mut coef0 = 0.0;
        let mut nr_class: Option<i64> = None;
        let mut total_sv: Option<usize> = None;
        let mut rho: Option<f64> = None;
        let mut saw_sv = false;
        for line in lines.by_ref() {
            let mut t = line.split_whitespace();
            let Some(key) = t.next() else { continue };
            let mut num = |name: &str| -> Result<f64, String> {
                t.next()
                    .and_then(|v| v.parse::<f64>().ok())
                    .ok_or_else(|| tok_err(&format!("failed to read {name}")))
            };
            match key {
                "SV" => {
                    saw_sv = true;
                    break;
                }
                "svm_type" => {
                    svm_type = Some(line.split_whitespace().nth(1).unwrap_or("").to_string())
                }
                "kernel_type" => {
                    let k = line.split_whitespace().nth(1).unwrap_or("");
                    kernel = Some(match k {
                        "linear" => Kernel::Linear,
                        "polynomial" => Kernel::Poly { degree: 3 },
                        "rbf" => Kernel::Rbf,
                        "sigmoid" => Kernel::Sigmoid,
                        other => {
                            return Err(tok_err(&format!("unsupported kernel_type \"{other}\"")))
                        }
                    })
                }
                "degree" => degree = num("degree")? as i32,
                "gamma" => gamma = num("gamma")?,
                "coef0" => coef0 = num("coef0")?,
                "nr_class" => nr_class = Some(num("nr_class")? as i64),
                "total_sv" => total_sv = Some(num("total_sv")? as usize),
                "rho" => rho = Some(num("rho")?),
                "label" | "probA" | "probB" | "nr_sv" => {}
                other => {
                    return Err(tok_err(&format!(
                        "unknown text \"{other}\" in model header"
                    )))
                }
            }
        }
        match svm_type.as_deref() {
            Some("nu_svr") | Some("epsilon_svr") => {}
            Some(other) => {
                return Err(tok_err(&format!(
                    "svm_type \"{other}\" is not a regression model"
                )))
            }
            None => return Err(tok_err("missing svm_type")),
        }
        if !saw_sv {
            return Err(tok_err("missing SV section"));
        }
        if nr_class.unwrap_or(2) != 2 {
            return Err(tok_err("regression models have nr_class 2"));
        }
        let mut kernel = kernel.ok_or_else(|| tok_err("missing kernel_type"))?;
        if let Kernel::Poly { .. } = kernel {
            kernel = Kernel::Poly { degree };
        }
        let total = total_sv.ok_or_else(|| tok_err("missing total_sv"))?;
        let rho = rho.ok_or_else(|| tok_err("missing rho"))?;
        let mut coefs = Vec::with_capacity(total);
        let mut svs = Vec::with_capacity(total);
        for i in 0..total {
            let line = lines
                .next()
                .ok_or_else(|| tok_err(&format!("expected {total} support vectors, found {i}")))?;
            let mut t = line.split_whitespace();
            let c = t
                .next()
                .and_then(|v| v.parse::<f64>().ok())
                .ok_or_else(|| tok_err(&format!("support vector {i}: bad coefficient")))?;
            let mut sv = Vec::new();
            for node in t {
                let (idx, val) = node
                    .split_once(':')
                    .and_then(|(a, b)| Some((a.parse::<i32>().ok()?, b.parse::<f64>().ok()?)))
                    .ok_or_else(|| tok_err(&format!("support vector {i}: bad node \"{node}\"")))?;
                sv.push((idx, val));
            }
            coefs.push(c);
            svs.push(sv);
        }
        Ok(Svm {
            kernel,
            gamma,
            coef0,
            rho,
            coefs,
            svs,
        })
    }

    /// Number of support vectors.
    pub fn len(&self) -> usize {
        self.svs.len()
    }

    /// True when the model has no support vectors.
    pub fn is_empty(&self) -> bool {
        self.svs.is_empty()
    }

    /// Predicts for the dense feature vector `x` (feature `i` has libsvm index `i + 1`).
    pub fn predict(&self, x: &[f64]) -> f64 {
        let mut sum = 0.0;
        for (c, sv) in self.coefs.iter().zip(&self.svs) {
            sum += c * self.kernel_value(x, sv);
        }
        sum - self.rho
    }

    fn kernel_value(&self, x: &[f64], y: &[(i32, f64)]) -> f64 {
        match self.kernel {
            Kernel::Rbf => {
                // libsvm's sparse merge in index order; x is dense with indices 1..=n.
                let mut sum = 0.0;
                let (mut i, mut j) = (0usize, 0usize);
                while i < x.len() && j < y.len() {
                    let xi = i as i32 + 1;
                    let (yi, yv) = y[j];
                    if xi == yi {
                        let d = x[i] - yv;
                        sum += d * d;
                        i += 1;
                        j += 1;
                    } else if xi > yi {
                        sum += yv * yv;
                        j += 1;
                    } else {
                        sum += x[i] * x[i];
                        i += 1;
                    }
                }
                while i < x.len() {
                    sum += x[i] * x[i];
                    i += 1;
                }
                while j < y.len() {
                    sum += y[j].1 * y[j].1;
                    j += 1;
                }
                (-self.gamma * sum).exp()
            }
            Kernel::Linear => dot(x, y),
            Kernel::Poly { degree } => powi(self.gamma * dot(x, y) + self.coef0, degree),
            Kernel::Sigmoid => (self.gamma * dot(x, y) + self.coef0).tanh(),
        }
    }
}

fn dot(x: &[f64], y: &[(i32, f64)]) -> f64 {
    let mut sum = 0.0;
    for &(idx, v) in y {
        if idx >= 1 && (idx as usize) <= x.len() {
            sum += x[idx as usize - 1] * v;
        }
    }
    sum
}

/// libsvm's `powi` (square-and-multiply).
fn powi(base: f64, times: i32) -> f64 {
    let mut tmp = base;
    let mut ret = 1.0;
    let mut t = times;
    while t > 0 {
        if t % 2 == 1 {
            ret *= tmp;
        }
        tmp *= tmp;
        t /= 2;
    }
    ret
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_predicts_rbf() {
        let text = "svm_type nu_svr\nkernel_type rbf\ngamma 0.5\nnr_class 2\ntotal_sv 2\nrho -1\nSV\n2 1:1 2:0 \n-1 2:1 \n";
        let m = Svm::parse(text).unwrap();
        assert_eq!(m.len(), 2);
        // x = (1, 1): sv0 dist² = 0 + 1 = 1, sv1 (index 1 missing → x² = 1) + 0 = 1
        let p = m.predict(&[1.0, 1.0]);
        let want = 2.0 * (-0.5f64).exp() - (-0.5f64).exp() + 1.0;
        assert_eq!(p, want);
    }

    #[test]
    fn rejects_bad_models() {
        assert!(Svm::parse("svm_type c_svc\nkernel_type rbf\nSV\n").is_err());
        assert!(Svm::parse(
            "svm_type nu_svr\nkernel_type rbf\ngamma 1\ntotal_sv 3\nrho 0\nSV\n1 1:1\n"
        )
        .is_err());
        assert!(Svm::parse("svm_type nu_svr\nbogus 1\n").is_err());
        assert!(Svm::parse(
            "svm_type nu_svr\nkernel_type rbf\ngamma 1\ntotal_sv 1\nrho 0\nSV\n1 1-1\n"
        )
        .is_err());
    }
}
