import type { Router } from "express";
import type { HubContext } from "../../context.js";
import type { operations } from "../../generated/api.js";
import { changeOwnPassword, login, logout } from "../../services/auth.service.js";
import { CSRF_COOKIE, SESSION_COOKIE } from "../auth.middleware.js";
import { route, publicRoute } from "../gate.js";

type LoginBody = operations["login"]["requestBody"]["content"]["application/json"];

export function authRoutes(r: Router, ctx: HubContext): void {
  publicRoute(r, "login", async (req, res) => {
    const body = req.body as LoginBody;
    const out = await login(ctx, {
      username: body.username,
      password: body.password,
      ip: req.ip,
    });
    const secure = ctx.config.ADUAN_COOKIE_SECURE;
    res.cookie(SESSION_COOKIE, out.token, {
      httpOnly: true,
      sameSite: "strict",
      secure,
      expires: out.expiresAt,
      path: "/",
    });
    res.cookie(CSRF_COOKIE, out.csrf, {
      httpOnly: false,
      sameSite: "strict",
      secure,
      expires: out.expiresAt,
      path: "/",
    });
    res.json({ token: out.token, expiresAt: out.expiresAt.toISOString(), user: out.user });
  });
  route(r, "logout", async (req, res) => {
    await logout(ctx, req.token!);
    res.clearCookie(SESSION_COOKIE, { path: "/" });
    res.clearCookie(CSRF_COOKIE, { path: "/" });
    res.status(204).end();
  });
  route(r, "getMe", async (req, res) => {
    res.json(req.user);
  });
  route(r, "changeOwnPassword", async (req, res) => {
    const body =
      req.body as operations["changeOwnPassword"]["requestBody"]["content"]["application/json"];
    await changeOwnPassword(ctx, {
      user: req.user,
      token: req.token!,
      currentPassword: body.currentPassword,
      newPassword: body.newPassword,
      ip: req.ip,
    });
    res.status(204).end();
  });
}
