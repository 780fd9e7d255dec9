;;; check.el --- headless check of `gfplint lsp' through eglot  -*- lexical-binding: t -*-
;; GFPLINT=target/release/gfplint FILE=dir/x.c emacs --batch -l editors/emacs/check.el
;; FILE's directory must be in a project (a git repository) for eglot.
(require 'eglot)
(require 'flymake)
(add-to-list 'eglot-server-programs `(c-mode . (,(getenv "GFPLINT") "lsp")))
(find-file (getenv "FILE"))
(c-mode)
(apply #'eglot (eglot--guess-contact))
(defun gfplint-check--wait (pred seconds)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.2))))
(gfplint-check--wait (lambda () (flymake-diagnostics)) 60)
(dolist (d (flymake-diagnostics))
  (princ (format "%s:%d: %s: %s\n"
                 (file-name-nondirectory (getenv "FILE"))
                 (line-number-at-pos (flymake-diagnostic-beg d))
                 (flymake-diagnostic-type d)
                 (car (split-string (flymake-diagnostic-text d) "\n")))))
(eglot-shutdown (eglot-current-server))
