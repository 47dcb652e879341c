# Reference values for laktasi.stats.pooled (tests/stats/test_pooled*.py).
#
# Run from the repository root:  Rscript tests/stats/r/pooled_reference.R
# Needs Debian's r-base-core, r-cran-metafor, r-cran-lme4 (jsonlite comes with them).
# Writes tests/stats/r/pooled_reference.json; the tests read that file and do not need R.
#
# Data sets: metafor's dat.bcg (13 BCG vaccine trials, log risk ratios via escalc("RR")),
# and synthetic "pengabmas-like" programs: paired scores and paired yes/no tables per program,
# plus edge cases (k = 2, tau2 at zero, a huge variance, identical effects).

suppressPackageStartupMessages({
  library(metafor)
  library(lme4)
  library(jsonlite)
})

out <- list(
  versions = list(
    R = paste(R.version$major, R.version$minor, sep = "."),
    metafor = as.character(packageVersion("metafor")),
    lme4 = as.character(packageVersion("lme4"))
  ),
  pooled = list(),
  regression = list(),
  effects = list()
)

fit_one <- function(name, yi, vi, method, test, note) {
  res <- suppressWarnings(rma(yi, vi, method = method, test = test))
  pr <- predict(res)
  list(
    name = name, note = note, yi = as.numeric(yi), vi = as.numeric(vi),
    method = method, test = test,
    call = sprintf("predict(rma(yi, vi, method = \"%s\", test = \"%s\"))", method, test),
    k = res$k, estimate = as.numeric(res$beta), se = res$se,
    ci_low = res$ci.lb, ci_high = res$ci.ub, pvalue = res$pval, statistic = res$zval,
    tau2 = res$tau2, i2 = res$I2, h2 = res$H2, q = res$QE, q_pvalue = res$QEp,
    # an FE model has no prediction interval in predict(); NA here (laktasi gives the CI)
    pi_low = if (is.null(pr$pi.lb)) NA else pr$pi.lb,
    pi_high = if (is.null(pr$pi.ub)) NA else pr$pi.ub,
    weights = as.numeric(weights(res))
  )
}

add_all <- function(name, yi, vi, note) {
  for (method in c("REML", "DL", "FE")) {
    for (test in c("knha", "z")) {
      key <- paste(name, method, test, sep = "/")
      out$pooled[[key]] <<- fit_one(name, yi, vi, method, test, note)
    }
  }
}

reg_one <- function(name, yi, vi, x, method, test, note) {
  res <- suppressWarnings(rma(yi, vi, mods = ~x, method = method, test = test))
  list(
    name = name, note = note, yi = as.numeric(yi), vi = as.numeric(vi),
    x = if (is.numeric(x)) as.numeric(x) else as.character(x),
    method = method, test = test,
    call = sprintf("rma(yi, vi, mods = ~ x, method = \"%s\", test = \"%s\")", method, test),
    coef_names = rownames(res$beta),
    estimate = as.numeric(res$beta), se = res$se, ci_low = res$ci.lb, ci_high = res$ci.ub,
    pvalue = res$pval,
    qm = res$QM, qm_df = res$QMdf[1], qm_pvalue = res$QMp,
    tau2 = res$tau2, i2 = res$I2, h2 = res$H2, r2 = if (is.null(res$R2)) NA else res$R2,
    qe = res$QE, qe_pvalue = res$QEp
  )
}

add_reg <- function(name, yi, vi, x, note) {
  for (method in c("REML", "DL", "FE")) {
    for (test in c("knha", "z")) {
      key <- paste(name, method, test, sep = "/")
      out$regression[[key]] <<- reg_one(name, yi, vi, x, method, test, note)
    }
  }
}

# ---------------------------------------------------------------- 1. BCG trials (public)
bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
add_all("bcg", bcg$yi, bcg$vi, "metafor dat.bcg, escalc(measure = 'RR')")
add_reg("bcg_ablat", bcg$yi, bcg$vi, bcg$ablat, "mods = ~ ablat (absolute latitude)")
add_reg("bcg_alloc", bcg$yi, bcg$vi, bcg$alloc, "mods = ~ alloc (3 categories)")
add_reg("bcg_year", bcg$yi, bcg$vi, bcg$year, "mods = ~ year")

# ---------------------------------------------------------------- 2. pengabmas-like programs
# Eight village programs: a knowledge score (0-100) before and after for each mother.
set.seed(2026)
sizes <- c(15, 22, 9, 31, 4, 18, 12, 26)
gains <- c(18, 10, 25, 6, 30, 14, 3, 12)
kinds <- c("community_service", "puskesmas_routine", "community_service", "research",
           "community_service", "puskesmas_routine", "research", "community_service")
years <- c(2021, 2022, 2022, 2023, 2023, 2024, 2024, 2025)
programs <- list()
mc_yi <- mc_vi <- numeric(0)
long <- data.frame()
for (j in seq_along(sizes)) {
  before <- round(pmin(100, pmax(0, rnorm(sizes[j], 50, 12))))
  after <- round(pmin(100, pmax(0, before + rnorm(sizes[j], gains[j], 9))))
  es <- escalc(measure = "MC", m1i = mean(after), m2i = mean(before), sd1i = sd(after),
               sd2i = sd(before), ni = length(after), ri = cor(after, before))
  out$effects[[sprintf("scores_%d", j)]] <- list(
    measure = "MC", before = before, after = after, yi = as.numeric(es$yi),
    vi = as.numeric(es$vi),
    call = "escalc('MC', m1i = mean(after), m2i = mean(before), sd1i = sd(after), sd2i = sd(before), ni = n, ri = cor(after, before))"
  )
  mc_yi <- c(mc_yi, es$yi)
  mc_vi <- c(mc_vi, es$vi)
  long <- rbind(long, data.frame(program = j, d = after - before))
}
add_all("scores", mc_yi, mc_vi, "8 programs, knowledge score change (MC)")
add_reg("scores_kind", mc_yi, mc_vi, kinds, "mods = ~ program kind")
add_reg("scores_year", mc_yi, mc_vi, years, "mods = ~ year")

# One-stage check: linear mixed model of the paired difference, random intercept per program.
lmm <- lmer(d ~ 1 + (1 | program), data = long, REML = TRUE)
vc <- as.data.frame(VarCorr(lmm))
out$one_stage <- list(
  call = "lmer(d ~ 1 + (1 | program), data = long, REML = TRUE)",
  program = long$program, d = long$d,
  estimate = as.numeric(fixef(lmm)), se = as.numeric(sqrt(diag(vcov(lmm)))),
  tau2 = vc$vcov[vc$grp == "program"], sigma2 = vc$vcov[vc$grp == "Residual"]
)

# The same with no between-program variance: lme4 reports a singular fit at tau2 = 0.
set.seed(7)
flat <- data.frame(program = rep(1:5, each = 12), d = round(rnorm(60, 10, 8)))
lmm0 <- suppressMessages(lmer(d ~ 1 + (1 | program), data = flat, REML = TRUE))
vc0 <- as.data.frame(VarCorr(lmm0))
out$one_stage_zero <- list(
  call = "lmer(d ~ 1 + (1 | program), data = flat, REML = TRUE)",
  program = flat$program, d = flat$d,
  estimate = as.numeric(fixef(lmm0)), se = as.numeric(sqrt(diag(vcov(lmm0)))),
  tau2 = vc0$vcov[vc0$grp == "program"], sigma2 = vc0$vcov[vc0$grp == "Residual"]
)

# Paired yes/no ("ASI lancar") per program: a = yes->yes, b = yes->no, c = no->yes, d = no->no.
tables <- list(c(5, 1, 7, 2), c(8, 2, 9, 3), c(2, 0, 5, 2), c(12, 3, 10, 6), c(1, 0, 2, 1),
               c(6, 1, 4, 7), c(3, 2, 3, 4), c(10, 1, 11, 4))
rd_yi <- rd_vi <- or_yi <- or_vi <- numeric(0)
for (j in seq_along(tables)) {
  t <- tables[[j]]
  # metafor's first group is "after": ai = after yes & before yes, bi = after yes & before no
  rd <- escalc(measure = "MPRD", ai = t[1], bi = t[3], ci = t[2], di = t[4], add = 0)
  or <- escalc(measure = "MPORC", ai = t[1], bi = t[3], ci = t[2], di = t[4])
  out$effects[[sprintf("table_%d", j)]] <- list(
    table = t, rd_yi = as.numeric(rd$yi), rd_vi = as.numeric(rd$vi),
    or_yi = as.numeric(or$yi), or_vi = as.numeric(or$vi),
    call = "escalc('MPRD', ai=a, bi=c, ci=b, di=d, add=0); escalc('MPORC', ai=a, bi=c, ci=b, di=d)"
  )
  rd_yi <- c(rd_yi, rd$yi); rd_vi <- c(rd_vi, rd$vi)
  or_yi <- c(or_yi, or$yi); or_vi <- c(or_vi, or$vi)
}
nobody <- escalc(measure = "MPORC", ai = 6, bi = 0, ci = 0, di = 4)
out$effects$table_nobody_changed <- list(table = c(6, 0, 0, 4), or_yi = as.numeric(nobody$yi),
                                         or_vi = as.numeric(nobody$vi))
add_all("asi_rd", rd_yi, rd_vi, "8 programs, ASI lancar, paired risk difference (MPRD)")
add_all("asi_or", or_yi, or_vi, "8 programs, ASI lancar, paired log odds ratio (MPORC)")
add_reg("asi_rd_kind", rd_yi, rd_vi, kinds, "mods = ~ program kind")

# ---------------------------------------------------------------- 3. edge cases
add_all("k2", c(0.20, 0.45), c(0.010, 0.020), "k = 2")
add_all("k2_far", c(-0.10, 0.60), c(0.004, 0.006), "k = 2, far apart (tau2 > 0)")
add_all("tau2_zero", c(0.30, 0.32, 0.29, 0.31, 0.30), c(0.04, 0.05, 0.03, 0.06, 0.05),
        "effects closer than their variances: tau2 at the zero boundary")
add_all("huge_variance", c(0.30, 0.10, 0.50, 2.00), c(0.02, 0.03, 0.025, 1e6),
        "one study with a huge variance (1e6)")
add_all("identical", c(0.25, 0.25, 0.25, 0.25), c(0.01, 0.02, 0.04, 0.03), "identical effects")

# Fisher scoring oscillates with metafor's defaults (rma stops with an error); its documented
# remedy is control = list(stepadj = 0.5), which laktasi applies by itself.
osc_yi <- c(0, -1, -1, -1, -1.5); osc_vi <- c(0.25, 2, 2, 2, 1)
for (test in c("knha", "z")) {
  res <- rma(osc_yi, osc_vi, method = "REML", test = test, control = list(stepadj = 0.5))
  pr <- predict(res)
  out$pooled[[paste("oscillating/REML", test, sep = "/")]] <- list(
    name = "oscillating", note = "REML needs stepadj = 0.5", yi = osc_yi, vi = osc_vi,
    method = "REML", test = test,
    call = sprintf("predict(rma(yi, vi, test = \"%s\", control = list(stepadj = 0.5)))", test),
    k = res$k, estimate = as.numeric(res$beta), se = res$se, ci_low = res$ci.lb,
    ci_high = res$ci.ub, pvalue = res$pval, statistic = res$zval, tau2 = res$tau2,
    i2 = res$I2, h2 = res$H2, q = res$QE, q_pvalue = res$QEp, pi_low = pr$pi.lb,
    pi_high = pr$pi.ub, weights = as.numeric(weights(res))
  )
}

writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
           "tests/stats/r/pooled_reference.json")
