# Reference values for laktasi.stats.effectsizes.proportion_logit and the inverse-logit
# back-transform (tests/stats/test_pooled_proportion.py): "EBF at a visit" pooled across
# programs as logit proportions.
#
# Run from the repository root:  Rscript tests/stats/r/proportion_reference.R
# Needs Debian's r-base-core and r-cran-metafor (jsonlite comes with them).
# Writes tests/stats/r/proportion_reference.json; the tests read that file and do not need R.
#
# Programs: x babies exclusively breastfed among n decided recalls; one program with x = 0 and
# one with x = n (metafor's default add = 1/2, to = "only0" corrects those two only).

suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})

x <- c(14, 0, 9, 20, 3, 11)
n <- c(20, 6, 15, 20, 4, 25)
es <- escalc(measure = "PLO", xi = x, ni = n)
# a set without corrections, a set with wide differences, and k = 2
sets <- list(
  ebf = list(x = x, n = n),
  ebf_no_zero = list(x = c(14, 9, 3, 11, 17), n = c(20, 15, 4, 25, 19)),
  ebf_k2 = list(x = c(5, 12), n = c(12, 14))
)

out <- list(
  versions = list(
    R = paste(R.version$major, R.version$minor, sep = "."),
    metafor = as.character(packageVersion("metafor"))
  ),
  effects = list(
    x = x, n = n, yi = as.numeric(es$yi), vi = as.numeric(es$vi),
    call = "escalc(measure = \"PLO\", xi = x, ni = n)"
  ),
  pooled = list()
)

for (name in names(sets)) {
  s <- sets[[name]]
  e <- escalc(measure = "PLO", xi = s$x, ni = s$n)
  for (method in c("REML", "DL", "FE")) {
    for (test in c("knha", "z")) {
      res <- suppressWarnings(rma(e$yi, e$vi, method = method, test = test))
      pr <- predict(res, transf = transf.ilogit)
      out$pooled[[paste(name, method, test, sep = "/")]] <- list(
        x = s$x, n = s$n, method = method, test = test,
        call = sprintf(paste0("predict(rma(escalc(\"PLO\", xi, ni), method = \"%s\", ",
                              "test = \"%s\"), transf = transf.ilogit)"), method, test),
        k = res$k, estimate = as.numeric(res$beta), se = res$se,
        ci_low = res$ci.lb, ci_high = res$ci.ub, tau2 = res$tau2, i2 = res$I2,
        pred = as.numeric(pr$pred), pred_ci_low = as.numeric(pr$ci.lb),
        pred_ci_high = as.numeric(pr$ci.ub),
        pred_pi_low = if (is.null(pr$pi.lb)) NA else as.numeric(pr$pi.lb),
        pred_pi_high = if (is.null(pr$pi.ub)) NA else as.numeric(pr$pi.ub)
      )
    }
  }
}

writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
           "tests/stats/r/proportion_reference.json")
