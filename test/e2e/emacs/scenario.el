;;; scenario.el --- one end-to-end scenario in Emacs + Eglot  -*- lexical-binding: t -*-

;; Loaded into an interactive `emacs -nw -Q' inside a pseudo-terminal (util-linux `script'), so the
;; command loop and the idle timers Eglot and Flymake rely on run as they do for a person.  Eglot is
;; configured exactly as the README says (`eglot-server-programs' and `eglot-ensure' on `yaml-mode').
;; It opens the file, waits until Flymake shows the diagnostic the test expects, applies the code action
;; chosen by title through `eglot-code-actions' (its menu answered by title), saves, waits until the
;; finding is gone, and asks Eglot's eldoc function for the hover at a position.  Every wait is on a
;; state; the time limit only turns a hang into a failure.  Writes one JSON object to $E2E_OUT.

(setq native-comp-deferred-compilation nil)
(require 'package)
;; -Q skips site-lisp: make Debian's elpa-eglot and elpa-yaml-mode visible, as `package-initialize' would.
(setq package-directory-list '("/usr/share/emacs/site-lisp/elpa")
      package-user-dir (expand-file-name "elpa" (getenv "HOME")))
(package-initialize)
(require 'cl-lib)
(require 'json)
(require 'eglot)
(require 'yaml-mode)
(setq make-backup-files nil auto-save-default nil create-lockfiles nil)

(defvar e2e-cfg (with-temp-buffer
                  (insert-file-contents (getenv "E2E_CONFIG"))
                  (json-parse-buffer :object-type 'hash-table :array-type 'list)))
(defun e2e-cfg (key) (gethash key e2e-cfg))
(defvar e2e-out (make-hash-table :test 'equal))
(defvar e2e-errors nil)
(defvar e2e-t0 (float-time))
(defvar e2e-limit (/ (e2e-cfg "limit_ms") 1000.0))

;; The README's configuration.
(add-to-list 'eglot-server-programs (cons 'yaml-mode (e2e-cfg "cmd")))
(add-hook 'yaml-mode-hook #'eglot-ensure)

(defun e2e-ms () (round (* 1000 (- (float-time) e2e-t0))))

(defun e2e-finish (code)
  (puthash "errors" (vconcat (reverse e2e-errors)) e2e-out)
  (puthash "total_ms" (e2e-ms) e2e-out)
  (with-temp-file (getenv "E2E_OUT") (insert (json-serialize e2e-out)))
  (ignore-errors (with-timeout (3 nil) (eglot-shutdown (eglot-current-server))))
  (kill-emacs code))

(defun e2e-fail (fmt &rest args)
  (push (apply #'format fmt args) e2e-errors)
  (e2e-finish 1))

(defun e2e-wait (pred)
  "Let timers and process output run until PRED holds (or the limit passes)."
  (let ((deadline (+ (float-time) e2e-limit)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (sit-for 0.02))
    (funcall pred)))

(defun e2e-diagnostics ()
  "Flymake's diagnostics in this buffer: code, line, message."
  (vconcat
   (mapcar (lambda (d)
             (let ((lsp (cdr (assoc 'eglot-lsp-diag (eglot--diag-data d)))))
               (let ((h (make-hash-table :test 'equal)))
                 (puthash "code" (or (plist-get lsp :code) :null) h)
                 (puthash "line" (line-number-at-pos (flymake-diagnostic-beg d)) h)
                 (puthash "message" (flymake-diagnostic-text d) h)
                 h)))
           (flymake-diagnostics))))

(defun e2e-has-code (code)
  (cl-some (lambda (d) (equal (gethash "code" d) code)) (e2e-diagnostics)))

(defun e2e-goto (pos)
  (goto-char (point-min))
  (forward-line (1- (nth 0 pos)))
  (forward-char (1- (nth 1 pos))))

(defun e2e-main ()
  (find-file (e2e-cfg "file"))
  ;; `eglot-ensure' connects after the command that opened the file; run that end-of-command hook.
  (run-hooks 'post-command-hook)
  (unless (e2e-wait #'eglot-current-server)
    (e2e-fail "Eglot did not connect"))
  (puthash "initialized_ms" (e2e-ms) e2e-out)
  (let ((code (e2e-cfg "expect_code")))
    (unless (e2e-wait (lambda ()
                        ;; Flymake asks Eglot once the buffer is shown; nudge it if it has not yet.
                        (unless (memq 'eglot-flymake-backend (flymake-reporting-backends)) (flymake-start nil t))
                        (e2e-has-code code)))
      (puthash "diagnostics" (e2e-diagnostics) e2e-out)
      (e2e-fail "no %s diagnostic" code))
    (puthash "diagnostics_ms" (e2e-ms) e2e-out)
    (puthash "diagnostics" (e2e-diagnostics) e2e-out)

    ;; The code action menu, answered by title.
    (e2e-goto (e2e-cfg "action_at"))
    (let ((tick (buffer-chars-modified-tick))
          (offered nil))
      (cl-letf (((symbol-function 'completing-read)
                 (lambda (_prompt collection &rest _)
                   (setq offered (mapcar (lambda (c) (if (consp c) (car c) c)) collection))
                   (or (cl-find (e2e-cfg "action_title") offered :test #'equal) ""))))
        (let ((last-nonmenu-event 13))  ; chosen from the keyboard, not a mouse menu
          (condition-case err
              (call-interactively #'eglot-code-actions)
            (error (push (format "eglot-code-actions: %s" (error-message-string err)) e2e-errors)))))
      (puthash "code_actions" (vconcat offered) e2e-out)
      (unless (e2e-wait (lambda () (/= tick (buffer-chars-modified-tick))))
        (e2e-fail "the code action did not change the buffer")))
    (puthash "code_action_ms" (e2e-ms) e2e-out)

    (save-buffer)
    (unless (e2e-wait (lambda () (not (e2e-has-code code))))
      (puthash "diagnostics_after" (e2e-diagnostics) e2e-out)
      (e2e-fail "%s still reported after the fix" code))
    (puthash "diagnostics_after" (e2e-diagnostics) e2e-out)
    (puthash "fixed_ms" (e2e-ms) e2e-out))

  ;; Hover, as eldoc gets it from Eglot.
  (e2e-goto (e2e-cfg "hover_at"))
  (let ((hover nil) (answered nil))
    (eglot-hover-eldoc-function (lambda (text &rest _) (setq answered t hover text)))
    (unless (e2e-wait (lambda () answered)) (e2e-fail "no hover answer"))
    (puthash "hover" (if hover (substring-no-properties hover) :null) e2e-out))
  (puthash "hover_ms" (e2e-ms) e2e-out)
  (e2e-finish 0))

(add-hook 'emacs-startup-hook
          (lambda ()
            (run-with-timer 0 nil (lambda ()
                                    (condition-case err (e2e-main)
                                      (error (e2e-fail "scenario crashed: %s" (error-message-string err))))))))

;;; scenario.el ends here
