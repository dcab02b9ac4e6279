import graphene
from django.contrib.auth.models import User


class Stats(graphene.ObjectType):
    users = graphene.Int()


class Query(graphene.ObjectType):
    hello = graphene.String()
    stats = graphene.Field(Stats)

    def resolve_hello(root, info):
        return "world"

    def resolve_stats(root, info):
        return Stats(users=User.objects.count())


schema = graphene.Schema(query=Query)
